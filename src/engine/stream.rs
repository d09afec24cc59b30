//! The cpal output stream: the only place that knows about cpal. It opens the default output
//! device, drives the [`Processor`] from the device callback and turns device errors into
//! [`EngineEvent`]s.

use super::processor::Processor;
use super::shared::Shared;
use super::EngineEvent;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};
use rtrb::{Consumer, RingBuffer};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Frames rendered per inner step when the device wants integers: the f32 scratch buffer is
/// allocated once, before the stream starts, and big callbacks are rendered in several steps.
const SCRATCH_FRAMES: usize = 4096;
const FAULT_CAPACITY: usize = 16;

/// What the opened device is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeviceInfo {
    pub name: String,
    pub sample_rate_hz: u32,
    pub channels: u16,
}

/// The default output device's rate in Hz, without opening a stream.
pub(crate) fn default_output_rate_hz() -> Result<u32, String> {
    let device = cpal::default_host()
        .default_output_device()
        .ok_or_else(|| "no default output device".to_string())?;
    let config = device
        .default_output_config()
        .map_err(|e| format!("cannot query the output device: {e}"))?;
    Ok(config.sample_rate())
}

/// A running output stream. Dropping it stops the callback and drops the processor.
pub(crate) struct CpalOutput {
    _stream: cpal::Stream,
    faults: Consumer<cpal::Error>,
}

impl CpalOutput {
    /// Opens the default output device and starts it. `make_processor` gets the device's
    /// rate and channel count. Every failure comes back as a sentence for the user.
    pub(crate) fn open(
        make_processor: impl FnOnce(u32, u16) -> Processor,
    ) -> Result<(CpalOutput, DeviceInfo), String> {
        let host = cpal::default_host();
        let device = host
            .default_output_device()
            .ok_or_else(|| "no default output device".to_string())?;
        let supported = device
            .default_output_config()
            .map_err(|e| format!("cannot query the output device: {e}"))?;
        let config = supported.config();
        let info = DeviceInfo {
            name: device
                .description()
                .map(|d| d.name().to_string())
                .unwrap_or_else(|_| "default output".to_string()),
            sample_rate_hz: config.sample_rate,
            channels: config.channels,
        };
        let processor = make_processor(info.sample_rate_hz, info.channels);
        let shared = processor.shared_state();
        let (fault_tx, faults) = RingBuffer::new(FAULT_CAPACITY);
        let stream = match supported.sample_format() {
            SampleFormat::I16 => build::<i16>(&device, config, processor, fault_tx, shared),
            SampleFormat::I32 => build::<i32>(&device, config, processor, fault_tx, shared),
            SampleFormat::U16 => build::<u16>(&device, config, processor, fault_tx, shared),
            SampleFormat::F64 => build::<f64>(&device, config, processor, fault_tx, shared),
            _ => build::<f32>(&device, config, processor, fault_tx, shared),
        }
        .map_err(|e| format!("cannot open the output device: {e}"))?;
        stream
            .play()
            .map_err(|e| format!("cannot start the output device: {e}"))?;
        Ok((
            CpalOutput {
                _stream: stream,
                faults,
            },
            info,
        ))
    }

    /// Device errors since the last call, as events (UI thread). Returns the reason when the
    /// device is gone (the stream cannot continue and must be reopened).
    pub(crate) fn drain_faults(&mut self, into: &mut Vec<EngineEvent>) -> Option<String> {
        let mut lost = None;
        while let Ok(fault) = self.faults.pop() {
            match fault.kind() {
                cpal::ErrorKind::Xrun => into.push(EngineEvent::Underrun),
                cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::StreamInvalidated => {
                    lost = Some(fault.to_string())
                }
                _ => into.push(EngineEvent::DeviceError(fault.to_string())),
            }
        }
        lost
    }
}

fn build<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut processor: Processor,
    mut fault_tx: rtrb::Producer<cpal::Error>,
    shared: Arc<Shared>,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + FromSample<f32>,
{
    let channels = usize::from(config.channels.max(1));
    let mut scratch = vec![0.0f32; SCRATCH_FRAMES * channels];
    let data = move |out: &mut [T], _: &cpal::OutputCallbackInfo| {
        // In debug builds any allocation here aborts (when the binary installs AllocDisabler).
        assert_no_alloc::assert_no_alloc(|| {
            for chunk in out.chunks_mut(scratch.len()) {
                let block = &mut scratch[..chunk.len()];
                processor.process(block);
                for (sample, value) in chunk.iter_mut().zip(block.iter()) {
                    *sample = T::from_sample(*value);
                }
            }
        })
    };
    let error = move |fault: cpal::Error| {
        if fault.kind() == cpal::ErrorKind::Xrun {
            shared.underruns.fetch_add(1, Ordering::Relaxed);
        }
        // Moved into a preallocated slot, formatted on the UI side; a full queue drops it.
        let _ = fault_tx.push(fault);
    };
    device.build_output_stream(config, data, error, None)
}
