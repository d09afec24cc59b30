//! A small FLAC encoder for stereo 4..=24-bit integer audio, written from RFC 9639.
//!
//! Fixed 4096-sample blocks; per block the best of independent / left-side / right-side /
//! mid-side stereo; per subframe the smallest of CONSTANT, VERBATIM and FIXED orders 0..=4;
//! residuals in partitioned Rice with 4-bit parameters, or 5-bit (RICE2) when a parameter
//! exceeds 14, which 24-bit material needs. Sizes are estimated, then only the winner is
//! written. The MD5 field stays zero, which the format defines as "not computed".

mod bits;

use bits::{crc16, crc8, put_utf8_number, BitWriter};

/// Samples per block (the last block may be shorter).
pub const BLOCK_SIZE: usize = 4096;
/// Largest FIXED predictor order the format defines.
const MAX_ORDER: usize = 4;
/// Largest partition order tried: 16-sample partitions in a full block.
const MAX_PARTITION_ORDER: u32 = 8;
/// Largest Rice parameter: 30 with 5-bit parameters (31 is the escape code).
const MAX_RICE_PARAM: u32 = 30;
/// Largest parameter that fits the 4-bit form (15 is its escape code).
const MAX_RICE1_PARAM: u32 = 14;

/// Encodes interleaved stereo samples of `bits` bits as a complete FLAC stream in memory.
///
/// Fails (with a message for the user) when `bits` is outside 4..=24, the rate cannot be
/// stored, the sample count is odd, or a sample does not fit in `bits`.
pub fn encode_stereo(
    sample_rate_hz: u32,
    bits: u16,
    interleaved: &[i32],
) -> Result<Vec<u8>, String> {
    if !(4..=24).contains(&bits) {
        return Err(format!("{bits}-bit FLAC is not supported (4 to 24 bits)"));
    }
    if sample_rate_hz == 0 || sample_rate_hz >= 1 << 20 {
        return Err(format!(
            "a sample rate of {sample_rate_hz} Hz cannot be stored in FLAC"
        ));
    }
    if !interleaved.len().is_multiple_of(2) {
        return Err("stereo audio needs an even number of samples".to_string());
    }
    let (lo, hi) = (-(1i32 << (bits - 1)), (1i32 << (bits - 1)) - 1);
    if let Some(s) = interleaved.iter().find(|s| !(lo..=hi).contains(*s)) {
        return Err(format!("sample {s} does not fit in {bits} bits"));
    }
    let frames = interleaved.len() / 2;
    let mut out = Vec::with_capacity(42 + interleaved.len() * usize::from(bits) / 12);
    out.extend_from_slice(b"fLaC");
    // STREAMINFO is written with placeholder frame sizes and patched once they are known.
    out.extend_from_slice(&[0x80, 0, 0, 34]);
    let info_at = out.len();
    out.extend_from_slice(&[0; 34]);

    let mut enc = BlockEncoder::new(u32::from(bits));
    let (mut min_frame, mut max_frame) = (u32::MAX, 0u32);
    for (number, chunk) in interleaved.chunks(BLOCK_SIZE * 2).enumerate() {
        let start = out.len();
        enc.encode_frame(&mut out, number as u32, sample_rate_hz, chunk);
        let size = (out.len() - start) as u32;
        min_frame = min_frame.min(size);
        max_frame = max_frame.max(size);
    }
    if frames == 0 {
        min_frame = 0; // 0 means "unknown" in STREAMINFO.
    }
    // The spec's minimum block size excludes the short last block; readers (symphonia among
    // them) take min != max as a variable-blocksize stream, so both are the fixed size.
    let mut w = BitWriter::new(&mut out);
    w.put(BLOCK_SIZE as u32, 16);
    w.put(BLOCK_SIZE as u32, 16);
    w.put(min_frame.min(0xff_ffff), 24);
    w.put(max_frame.min(0xff_ffff), 24);
    w.put(sample_rate_hz, 20);
    w.put(1, 3); // channels - 1
    w.put(u32::from(bits) - 1, 5);
    w.put((frames as u64 >> 32) as u32 & 0xf, 4);
    w.put(frames as u32, 32);
    w.flush_to_byte();
    let tail = out.split_off(out.len() - 18);
    out[info_at..info_at + 18].copy_from_slice(&tail);
    Ok(out)
}

/// How one channel signal will be coded (its estimated size travels beside it).
#[derive(Clone, Copy, Debug)]
enum Plan {
    Constant,
    Verbatim,
    Fixed { order: usize, partition_order: u32 },
}

/// Reusable per-block buffers, so encoding allocates nothing per block.
struct BlockEncoder {
    bits: u32,
    /// Left, right, side (L - R), mid ((L + R) >> 1) of the current block.
    signals: [Vec<i32>; 4],
    residual: Vec<i32>,
    sums: Vec<u64>,
}

impl BlockEncoder {
    fn new(bits: u32) -> Self {
        let buf = || Vec::with_capacity(BLOCK_SIZE);
        BlockEncoder {
            bits,
            signals: [buf(), buf(), buf(), buf()],
            residual: buf(),
            sums: Vec::with_capacity(1 << MAX_PARTITION_ORDER),
        }
    }

    fn encode_frame(&mut self, out: &mut Vec<u8>, number: u32, rate: u32, chunk: &[i32]) {
        let n = chunk.len() / 2;
        for s in self.signals.iter_mut() {
            s.clear();
        }
        for pair in chunk.chunks_exact(2) {
            let (l, r) = (pair[0], pair[1]);
            self.signals[0].push(l);
            self.signals[1].push(r);
            self.signals[2].push(l - r);
            self.signals[3].push((l + r) >> 1);
        }
        // Side carries one more bit than the input.
        let widths = [self.bits, self.bits, self.bits + 1, self.bits];
        let mut plans = [(Plan::Verbatim, 0u64); 4];
        for (i, plan) in plans.iter_mut().enumerate() {
            *plan = self.plan(i, widths[i]);
        }
        let cost = |a: usize, b: usize| plans[a].1 + plans[b].1;
        // (channel assignment code, first signal, second signal)
        let choices = [
            (0b0001, 0, 1),
            (0b1000, 0, 2),
            (0b1001, 2, 1),
            (0b1010, 3, 2),
        ];
        let &(assignment, a, b) = choices
            .iter()
            .min_by_key(|&&(_, a, b)| cost(a, b))
            .expect("four choices");

        let start = out.len();
        self.write_header(out, number, rate, n, assignment);
        let mut w = BitWriter::new(out);
        for i in [a, b] {
            write_subframe(
                &mut w,
                &self.signals[i],
                widths[i],
                plans[i].0,
                &mut self.residual,
                &mut self.sums,
            );
        }
        w.flush_to_byte();
        let crc = crc16(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }

    /// Frame header (RFC 9639 section 9.1), ending with its CRC-8.
    fn write_header(&self, out: &mut Vec<u8>, number: u32, rate: u32, n: usize, assignment: u32) {
        let start = out.len();
        let (size_code, size_extra) = match n {
            BLOCK_SIZE => (0b1100, None),
            1..=256 => (0b0110, Some((n as u32 - 1, 8))),
            _ => (0b0111, Some((n as u32 - 1, 16))),
        };
        let rate_code = match rate {
            88_200 => 0x1,
            176_400 => 0x2,
            192_000 => 0x3,
            8_000 => 0x4,
            16_000 => 0x5,
            22_050 => 0x6,
            24_000 => 0x7,
            32_000 => 0x8,
            44_100 => 0x9,
            48_000 => 0xa,
            96_000 => 0xb,
            _ => 0x0, // taken from STREAMINFO
        };
        let bits_code = match self.bits {
            8 => 0b001,
            12 => 0b010,
            16 => 0b100,
            20 => 0b101,
            24 => 0b110,
            _ => 0b000, // taken from STREAMINFO
        };
        let mut w = BitWriter::new(out);
        w.put(0xfff8, 16); // sync code, fixed-blocksize strategy
        w.put(size_code, 4);
        w.put(rate_code, 4);
        w.put(assignment, 4);
        w.put(bits_code, 3);
        w.put(0, 1);
        w.flush_to_byte();
        put_utf8_number(out, number);
        if let Some((value, width)) = size_extra {
            let mut w = BitWriter::new(out);
            w.put(value, width);
            w.flush_to_byte();
        }
        let crc = crc8(&out[start..]);
        out.push(crc);
    }

    /// Chooses the cheapest coding of signal `i` and estimates its size in bits.
    fn plan(&mut self, i: usize, width: u32) -> (Plan, u64) {
        let x = &self.signals[i];
        let n = x.len();
        if x.iter().all(|&s| s == x[0]) {
            return (Plan::Constant, 8 + u64::from(width));
        }
        let mut best = (Plan::Verbatim, 8 + n as u64 * u64::from(width));
        // Successive differences in place: after pass p, residual[p..] is the order-p residual.
        let d = &mut self.residual;
        d.clear();
        d.extend_from_slice(x);
        for order in 0..=MAX_ORDER.min(n.saturating_sub(1)) {
            if order > 0 {
                for j in (order..n).rev() {
                    d[j] -= d[j - 1];
                }
            }
            if let Some((partition_order, bits)) = best_partitioning(d, order, &mut self.sums) {
                let total = 8 + order as u64 * u64::from(width) + 6 + bits;
                if total < best.1 {
                    best = (
                        Plan::Fixed {
                            order,
                            partition_order,
                        },
                        total,
                    );
                }
            }
        }
        best
    }
}

/// Writes one subframe of `x` as planned.
fn write_subframe(
    w: &mut BitWriter,
    x: &[i32],
    width: u32,
    plan: Plan,
    d: &mut Vec<i32>,
    sums: &mut Vec<u64>,
) {
    let mask = |v: i32| (v as u32) & ((1u64 << width) - 1) as u32;
    match plan {
        Plan::Constant => {
            w.put(0, 8);
            w.put(mask(x[0]), width);
        }
        Plan::Verbatim => {
            w.put(0b0000_0010, 8);
            for &s in x {
                w.put(mask(s), width);
            }
        }
        Plan::Fixed {
            order,
            partition_order,
        } => {
            w.put(0b0001_0000 | (order as u32) << 1, 8);
            for &s in &x[..order] {
                w.put(mask(s), width);
            }
            d.clear();
            d.extend_from_slice(x);
            for p in 1..=order {
                for j in (p..x.len()).rev() {
                    d[j] -= d[j - 1];
                }
            }
            partition_sums(d, order, partition_order, sums);
            let parts = sums.len();
            let len = x.len() >> partition_order;
            let params: Vec<u32> = (0..parts)
                .map(|j| rice_param(sums[j], count(j, len, order)).0)
                .collect();
            let wide = params.iter().any(|&k| k > MAX_RICE1_PARAM);
            w.put(u32::from(wide), 2);
            w.put(partition_order, 4);
            for (j, &k) in params.iter().enumerate() {
                w.put(k, if wide { 5 } else { 4 });
                let from = if j == 0 { order } else { j * len };
                for &r in &d[from..(j + 1) * len] {
                    w.put_rice(zigzag(r), k);
                }
            }
        }
    }
}

/// Residual sample count of partition `j` (the first one holds no warm-up samples).
fn count(j: usize, len: usize, order: usize) -> u64 {
    (if j == 0 { len - order } else { len }) as u64
}

/// The partition order with the smallest estimated residual size, and that size in bits.
fn best_partitioning(d: &[i32], order: usize, sums: &mut Vec<u64>) -> Option<(u32, u64)> {
    let n = d.len();
    // Partitions must divide the block evenly and the first must outlast the warm-up.
    let mut max_po = (n.trailing_zeros()).min(MAX_PARTITION_ORDER);
    while max_po > 0 && (n >> max_po) <= order {
        max_po -= 1;
    }
    if n <= order {
        return None;
    }
    partition_sums(d, order, max_po, sums);
    let mut best: Option<(u32, u64)> = None;
    for po in (0..=max_po).rev() {
        let len = n >> po;
        let (mut bits, mut wide) = (0u64, false);
        for (j, &s) in sums.iter().enumerate() {
            let (k, b) = rice_param(s, count(j, len, order));
            wide |= k > MAX_RICE1_PARAM;
            bits += b;
        }
        bits += sums.len() as u64 * if wide { 5 } else { 4 };
        if best.is_none_or(|(_, b)| bits < b) {
            best = Some((po, bits));
        }
        // Merge neighbours to get the sums of the next lower partition order.
        for j in 0..sums.len() / 2 {
            sums[j] = sums[2 * j] + sums[2 * j + 1];
        }
        sums.truncate(sums.len() / 2);
    }
    best
}

/// Sum of zigzagged residuals per partition at `partition_order`.
fn partition_sums(d: &[i32], order: usize, partition_order: u32, sums: &mut Vec<u64>) {
    let len = d.len() >> partition_order;
    sums.clear();
    for j in 0..1usize << partition_order {
        let from = if j == 0 { order } else { j * len };
        sums.push(
            d[from..(j + 1) * len]
                .iter()
                .map(|&r| u64::from(zigzag(r)))
                .sum(),
        );
    }
}

/// Rice parameter for `n` values summing to `sum`, and the estimated bits to code them.
fn rice_param(sum: u64, n: u64) -> (u32, u64) {
    if n == 0 {
        return (0, 0);
    }
    // Each value costs k + 1 bits plus its quotient; sum >> k estimates the quotients.
    let cost = |k: u32| n * u64::from(k + 1) + (sum >> k);
    let mean = sum / n;
    let k0 = if mean == 0 {
        0
    } else {
        63 - mean.leading_zeros()
    };
    let k0 = k0.min(MAX_RICE_PARAM);
    let k1 = (k0 + 1).min(MAX_RICE_PARAM);
    if cost(k1) < cost(k0) {
        (k1, cost(k1))
    } else {
        (k0, cost(k0))
    }
}

fn zigzag(r: i32) -> u32 {
    ((r << 1) ^ (r >> 31)) as u32
}
