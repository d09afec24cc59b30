//! Decibel conversions. All functions are pure and real-time safe.

/// Converts decibels to a linear amplitude factor (`10^(db/20)`). Real-time safe.
#[inline]
pub fn db_to_gain(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Converts a linear amplitude factor to decibels (`20·log10(gain)`); 0 or negative gives `-inf`. Real-time safe.
#[inline]
pub fn gain_to_db(gain: f64) -> f64 {
    if gain > 0.0 {
        20.0 * gain.log10()
    } else {
        f64::NEG_INFINITY
    }
}

/// Converts a power ratio to decibels (`10·log10(power)`); 0 or negative gives `-inf`. Real-time safe.
#[inline]
pub fn power_to_db(power: f64) -> f64 {
    if power > 0.0 {
        10.0 * power.log10()
    } else {
        f64::NEG_INFINITY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_known_values() {
        assert!((db_to_gain(-6.0) - 0.501_187_233_627_272_2).abs() < 1e-12);
        assert!((db_to_gain(20.0) - 10.0).abs() < 1e-12);
        assert_eq!(db_to_gain(0.0), 1.0);
        assert_eq!(gain_to_db(1.0), 0.0);
        for db in [-120.0, -3.0, 0.5, 12.0] {
            assert!((gain_to_db(db_to_gain(db)) - db).abs() < 1e-9);
        }
        assert_eq!(gain_to_db(0.0), f64::NEG_INFINITY);
        assert!((power_to_db(100.0) - 20.0).abs() < 1e-12);
    }
}
