//! Bit-level output for the FLAC encoder: a big-endian bit packer, Rice codes, the UTF-8-style
//! frame number, and the two CRCs (RFC 9639 section 9).

/// Frame number in FLAC's extended UTF-8 coding (up to 31 bits, six bytes).
pub(super) fn put_utf8_number(out: &mut Vec<u8>, v: u32) {
    if v < 0x80 {
        out.push(v as u8);
        return;
    }
    let extra = match v {
        0..=0x7ff => 1,
        0x800..=0xffff => 2,
        0x1_0000..=0x1f_ffff => 3,
        0x20_0000..=0x3ff_ffff => 4,
        _ => 5,
    };
    let lead_marker = (0xff00u32 >> (extra + 1)) as u8; // extra + 1 leading ones
    out.push(lead_marker | (v >> (6 * extra)) as u8);
    for i in (0..extra).rev() {
        out.push(0x80 | ((v >> (6 * i)) & 0x3f) as u8);
    }
}

/// Big-endian bit packer appending to a byte vector.
pub(super) struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    /// Bits held in `acc` not yet in `out` (always < 32 between calls).
    held: u32,
}

impl<'a> BitWriter<'a> {
    pub(super) fn new(out: &'a mut Vec<u8>) -> Self {
        BitWriter {
            out,
            acc: 0,
            held: 0,
        }
    }

    /// Appends the low `n` (<= 32) bits of `v`.
    #[inline]
    pub(super) fn put(&mut self, v: u32, n: u32) {
        if n == 0 {
            return;
        }
        let v = u64::from(v) & ((1u64 << n) - 1);
        self.acc = (self.acc << n) | v;
        self.held += n;
        if self.held >= 32 {
            self.held -= 32;
            self.out
                .extend_from_slice(&((self.acc >> self.held) as u32).to_be_bytes());
        }
    }

    /// Rice code: quotient in unary (zeros closed by a one), then `k` low bits.
    #[inline]
    pub(super) fn put_rice(&mut self, u: u32, k: u32) {
        let mut q = u >> k;
        let low = u & ((1u64 << k) - 1) as u32;
        if q + 1 + k <= 32 {
            self.put((1 << k) | low, q + 1 + k);
            return;
        }
        while q >= 32 {
            self.put(0, 32);
            q -= 32;
        }
        self.put(0, q);
        self.put(1, 1);
        self.put(low, k);
    }

    /// Pads with zeros to a byte boundary and writes out everything held.
    pub(super) fn flush_to_byte(&mut self) {
        let pad = (8 - self.held % 8) % 8;
        self.put(0, pad);
        while self.held >= 8 {
            self.held -= 8;
            self.out.push((self.acc >> self.held) as u8);
        }
    }
}

/// CRC-8, polynomial 0x07, initial 0 (frame header).
pub(super) fn crc8(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |c, &b| CRC8[usize::from(c ^ b)])
}

/// CRC-16, polynomial 0x8005, initial 0 (whole frame).
pub(super) fn crc16(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0u16, |c, &b| {
        (c << 8) ^ CRC16[usize::from((c >> 8) as u8 ^ b)]
    })
}

const CRC8: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u8;
        let mut k = 0;
        while k < 8 {
            c = if c & 0x80 != 0 {
                (c << 1) ^ 0x07
            } else {
                c << 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

const CRC16: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = (i as u16) << 8;
        let mut k = 0;
        while k < 8 {
            c = if c & 0x8000 != 0 {
                (c << 1) ^ 0x8005
            } else {
                c << 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crcs_match_the_published_check_values() {
        // CRC-8/SMBUS and CRC-16/UMTS (a.k.a. BUYPASS) of "123456789": FLAC's two CRCs.
        assert_eq!(crc8(b"123456789"), 0xf4);
        assert_eq!(crc16(b"123456789"), 0xfee8);
    }

    #[test]
    fn frame_numbers_use_the_utf8_layout() {
        let enc = |v| {
            let mut out = Vec::new();
            put_utf8_number(&mut out, v);
            out
        };
        assert_eq!(enc(0x7f), [0x7f]);
        assert_eq!(enc(0x80), [0xc2, 0x80]);
        assert_eq!(enc(0x800), [0xe0, 0xa0, 0x80]);
        assert_eq!(enc(0x10_ffff), [0xf4, 0x8f, 0xbf, 0xbf]);
        assert_eq!(enc(0x7fff_ffff), [0xfd, 0xbf, 0xbf, 0xbf, 0xbf, 0xbf]);
    }

    #[test]
    fn bits_and_rice_codes_pack_big_endian() {
        let mut out = Vec::new();
        let mut w = BitWriter::new(&mut out);
        w.put(0b101, 3);
        // 9 with k = 2: quotient 2 -> "001", remainder "01".
        w.put_rice(9, 2);
        // A quotient longer than 32 zeros takes the slow path.
        w.put_rice(40, 0);
        w.flush_to_byte();
        let mut expect = String::from("101") + "00101" + &"0".repeat(40) + "1";
        while !expect.len().is_multiple_of(8) {
            expect.push('0');
        }
        let got: String = out.iter().map(|b| format!("{b:08b}")).collect();
        assert_eq!(got, expect);
    }
}
