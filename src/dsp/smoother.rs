//! Parameter smoothing: a linear ramp that reaches its target exactly after a fixed number of ticks.

/// Linear-ramp parameter smoother. After `set_target`, the value moves in equal steps and lands
/// exactly on the target after `ramp_ticks` calls to [`Smoother::tick`] (so its time constant is
/// `ramp_ticks / tick_rate_hz` seconds, with no asymptotic tail). Real-time safe (no allocation).
/// A linear ramp (rather than one-pole) is used so "settled" is exact and neutral stages can be
/// bypassed bit-exactly (nih-plug `params/smoothing.rs` offers the same choice).
#[derive(Debug, Clone, Copy)]
pub struct Smoother {
    current: f64,
    target: f64,
    step: f64,
    remaining: u32,
    ramp_ticks: u32,
}

impl Smoother {
    /// A smoother that ramps over `time_s` seconds when ticked at `tick_rate_hz` (at least one tick),
    /// starting settled at `value`. Real-time safe.
    pub fn new(value: f64, time_s: f64, tick_rate_hz: f64) -> Self {
        let ticks = (time_s * tick_rate_hz).round().max(1.0);
        Self {
            current: value,
            target: value,
            step: 0.0,
            remaining: 0,
            ramp_ticks: ticks.min(u32::MAX as f64) as u32,
        }
    }

    /// Number of ticks a full ramp takes. Real-time safe.
    pub fn ramp_ticks(&self) -> u32 {
        self.ramp_ticks
    }

    /// Starts a ramp from the current value to `target` (no-op if it is already the target). Real-time safe.
    pub fn set_target(&mut self, target: f64) {
        if target == self.target {
            return;
        }
        self.target = target;
        self.step = (target - self.current) / self.ramp_ticks as f64;
        self.remaining = self.ramp_ticks;
    }

    /// Jumps to `value` at once (used after prepare/reset, before audio flows). Real-time safe.
    pub fn snap(&mut self, value: f64) {
        self.current = value;
        self.target = value;
        self.remaining = 0;
    }

    /// Jumps to the current target. Real-time safe.
    pub fn snap_to_target(&mut self) {
        self.snap(self.target);
    }

    /// Advances one tick and returns the new value. Real-time safe.
    #[inline]
    pub fn tick(&mut self) -> f64 {
        if self.remaining > 0 {
            self.remaining -= 1;
            self.current = if self.remaining == 0 {
                self.target
            } else {
                self.current + self.step
            };
        }
        self.current
    }

    /// The current value (without advancing). Real-time safe.
    #[inline]
    pub fn value(&self) -> f64 {
        self.current
    }

    /// The value the ramp is heading to. Real-time safe.
    #[inline]
    pub fn target(&self) -> f64 {
        self.target
    }

    /// True while a ramp is in progress. Real-time safe.
    #[inline]
    pub fn is_moving(&self) -> bool {
        self.remaining > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaches_target_exactly_in_documented_time() {
        // 20 ms at 48 kHz = 960 ticks.
        let mut s = Smoother::new(0.0, 0.020, 48_000.0);
        assert_eq!(s.ramp_ticks(), 960);
        s.set_target(1.0);
        let mut prev = 0.0;
        for i in 0..960 {
            let v = s.tick();
            assert!(v > prev, "monotone at tick {i}");
            assert!(v - prev <= 1.0 / 960.0 + 1e-12);
            prev = v;
            if i < 959 {
                assert!(v < 1.0);
            }
        }
        assert_eq!(s.value(), 1.0);
        assert!(!s.is_moving());
        assert_eq!(s.tick(), 1.0);
    }

    #[test]
    fn retarget_mid_ramp_and_snap() {
        let mut s = Smoother::new(0.0, 0.001, 1000.0);
        assert_eq!(s.ramp_ticks(), 1);
        s.set_target(2.0);
        assert_eq!(s.tick(), 2.0);
        let mut s = Smoother::new(0.0, 0.01, 1000.0);
        s.set_target(10.0);
        for _ in 0..5 {
            s.tick();
        }
        s.set_target(-10.0);
        for _ in 0..10 {
            s.tick();
        }
        assert_eq!(s.value(), -10.0);
        s.set_target(3.0);
        s.snap_to_target();
        assert_eq!(s.value(), 3.0);
        assert!(!s.is_moving());
    }
}
