//! Long-term average spectrum in 1/6-octave bands. (Stub: being implemented.)

/// Centre frequencies (Hz) of the shared 1/6-octave analysis grid, 20 Hz to 20 kHz,
/// base-2 bands anchored at 1 kHz (IEC 61260-1). The match EQ uses the same grid.
pub fn band_centers_hz() -> Vec<f64> {
    todo!("analysis::spectrum::band_centers_hz")
}
