//! FxHash (from rustc), the one hash engram's own tables use: much faster than the standard
//! library's SipHash for short keys, such as vault paths and link targets, which are not input an
//! attacker chooses to collide.

use std::hash::Hasher;

/// The hasher, for `HashMap`s (`BuildHasherDefault<FxHasher>`) and for [`hash_bytes`].
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        // The last few bytes four, two and one at a time, as rustc's FxHasher takes them: up to
        // three steps rather than seven (link targets and path suffixes are short).
        let mut rest = chunks.remainder();
        let mut add = |v: u64| self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        if rest.len() >= 4 {
            add(u64::from(u32::from_le_bytes([
                rest[0], rest[1], rest[2], rest[3],
            ])));
            rest = &rest[4..];
        }
        if rest.len() >= 2 {
            add(u64::from(u16::from_le_bytes([rest[0], rest[1]])));
            rest = &rest[2..];
        }
        if let Some(&b) = rest.first() {
            add(u64::from(b));
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.write(&[b]);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits, which pick the bucket, poorly mixed: fold the high ones in.
        let h = self.0;
        (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (h >> 32)
    }
}

/// The hash of `bytes`.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_of_a_short_key_changes_its_hash() {
        // Every prefix of a key up to two words, and every one-byte change of each: the tail is
        // taken four, two and one bytes at a time, and no byte of it may be left out.
        let key = b"abcdefghijklmnopqrs";
        let mut seen = std::collections::HashSet::new();
        for len in 0..=key.len() {
            assert!(seen.insert(hash_bytes(&key[..len])), "prefix {len}");
            for at in 0..len {
                let mut changed = key[..len].to_vec();
                changed[at] ^= 0x20;
                assert!(seen.insert(hash_bytes(&changed)), "prefix {len}, byte {at}");
            }
        }
    }
}
