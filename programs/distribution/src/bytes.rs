//! Fixed-size little-endian field access for the byte layouts this program reads and writes.
//! Callers pass constant offsets into buffers whose length they checked, so the optimizer drops
//! the bounds checks and the copies become plain loads and stores (no `memcpy` call).

#[inline(always)]
pub fn array_at<const N: usize>(bytes: &[u8], offset: usize) -> [u8; N] {
    let mut field = [0u8; N];
    field.copy_from_slice(&bytes[offset..offset + N]);
    field
}

/// `array_at` for a buffer whose length was not checked (data the runtime or another program
/// wrote): `None` when the field runs past its end.
#[inline(always)]
pub fn checked_array_at<const N: usize>(bytes: &[u8], offset: usize) -> Option<[u8; N]> {
    let field = bytes.get(offset..offset.checked_add(N)?)?;
    Some(array_at(field, 0))
}

#[inline(always)]
pub fn u64_at(bytes: &[u8], offset: usize) -> u64 {
    u64::from_le_bytes(array_at(bytes, offset))
}

#[inline(always)]
pub fn put<const N: usize>(bytes: &mut [u8], offset: usize, field: &[u8; N]) {
    bytes[offset..offset + N].copy_from_slice(field);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_little_endian_fields_at_offsets() {
        let mut buffer = [0u8; 12];
        put(&mut buffer, 3, &0x0102_0304_0506_0708u64.to_le_bytes());
        assert_eq!(buffer[3], 0x08);
        assert_eq!(buffer[10], 0x01);
        assert_eq!(u64_at(&buffer, 3), 0x0102_0304_0506_0708);
        assert_eq!(array_at::<2>(&buffer, 9), [0x02, 0x01]);
    }

    #[test]
    fn checked_reads_refuse_a_field_past_the_end() {
        let buffer = [1u8, 2, 3, 4, 5];
        assert_eq!(checked_array_at::<2>(&buffer, 3), Some([4, 5]));
        assert_eq!(checked_array_at::<5>(&buffer, 0), Some(buffer));
        assert_eq!(checked_array_at::<2>(&buffer, 4), None);
        assert_eq!(checked_array_at::<0>(&buffer, 6), None);
        assert_eq!(checked_array_at::<2>(&buffer, usize::MAX), None);
    }
}
