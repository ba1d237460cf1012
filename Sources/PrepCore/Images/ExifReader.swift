/// Reads the Orientation tag (0x0112) from a JPEG APP1 segment's TIFF structure.
enum ExifReader {
    /// `app1` is the segment payload after its length field. Returns nil when it is not EXIF
    /// (e.g. XMP), has no orientation, or is malformed (every offset is bounds-checked).
    static func orientation(app1 seg: [UInt8]) -> Int? {
        guard seg.count >= 14, Array(seg[0..<6]) == [0x45, 0x78, 0x69, 0x66, 0, 0] else { return nil }
        let t = Array(seg[6...])  // TIFF header; IFD offsets are relative to it
        let little: Bool
        if t[0] == 0x49 && t[1] == 0x49 { little = true }
        else if t[0] == 0x4D && t[1] == 0x4D { little = false }
        else { return nil }
        func u16(_ i: Int) -> Int? {
            guard i >= 0, i + 2 <= t.count else { return nil }
            return little ? Int(t[i]) | Int(t[i + 1]) << 8 : Int(t[i]) << 8 | Int(t[i + 1])
        }
        func u32(_ i: Int) -> Int? {
            guard i >= 0, i + 4 <= t.count else { return nil }
            let b = (Int(t[i]), Int(t[i + 1]), Int(t[i + 2]), Int(t[i + 3]))
            return little ? b.0 | b.1 << 8 | b.2 << 16 | b.3 << 24 : b.0 << 24 | b.1 << 16 | b.2 << 8 | b.3
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for k in 0..<count {
            let e = ifd + 2 + 12 * k
            guard let tag = u16(e) else { return nil }
            if tag == 0x0112 {
                // A SHORT value sits in the first 2 bytes of the 4-byte value field.
                guard let type = u16(e + 2), type == 3, let v = u16(e + 8) else { return nil }
                return (1...8).contains(v) ? v : nil
            }
        }
        return nil
    }
}
