/// Border following (Suzuki & Abe) with the results of OpenCV 4.10's
/// `findContours(mask, RETR_LIST, CHAIN_APPROX_SIMPLE)`: the same contours, the same start
/// points and directions, the same points kept (where the chain direction changes), in the same
/// order (OpenCV links each new contour in front of the previous ones, so the last one found in the
/// raster scan comes first).
enum ContourTracer {
    /// Contours of the non-zero pixels of a row-major `width × height` mask, each a flat
    /// `[x1, y1, …]` of pixel coordinates.
    static func contours(mask: [UInt8], width: Int, height: Int) -> [[Int32]] {
        guard width > 0, height > 0, mask.count >= width * height else { return [] }
        // A one-pixel zero border, as OpenCV's copyMakeBorder, so borders touching the edge close.
        let w = width + 2, h = height + 2
        var img = [Int8](repeating: 0, count: w * h)
        for y in 0..<height {
            let src = y * width, dst = (y + 1) * w + 1
            for x in 0..<width where mask[src + x] != 0 { img[dst + x] = 1 }
        }
        var found: [[Int32]] = []
        img.withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress!
            // chain code k → (dx, dy): 0 right, 1 up-right, 2 up, … counter-clockwise on screen
            let cdx = [1, 1, 0, -1, -1, -1, 0, 1], cdy = [0, -1, -1, -1, 0, 1, 1, 1]
            var delta = [Int](repeating: 0, count: 16)
            for k in 0..<16 { delta[k] = cdx[k & 7] + cdy[k & 7] * w }
            for y in 1..<(h - 1) {
                var prev: Int8 = 0
                var x = 1
                while x < w - 1 {
                    let cur = p[y * w + x]
                    if cur != prev {
                        var isHole = false
                        var start = false
                        if prev == 0 && cur == 1 { start = true }
                        else if cur == 0 && prev >= 1 { start = true; isHole = true }
                        if start {
                            let sx = x - (isHole ? 1 : 0)
                            found.append(follow(p, w: w, start: y * w + sx, sx: sx, sy: y, isHole: isHole, delta: delta, cdx: cdx, cdy: cdy))
                            prev = p[y * w + x]
                            x += 1
                            continue
                        }
                    }
                    prev = cur
                    x += 1
                }
            }
        }
        return found.reversed()
    }

    /// Follows one border from its start pixel, marking visited pixels (2, or −126 for pixels
    /// whose right neighbour is background) as OpenCV's `icvFetchContourEx` does.
    private static func follow(_ p: UnsafeMutablePointer<Int8>, w: Int, start i0: Int, sx: Int, sy: Int,
                               isHole: Bool, delta: [Int], cdx: [Int], cdy: [Int]) -> [Int32] {
        let nbd: Int8 = 2, right: Int8 = Int8(bitPattern: 0x82)
        var pts: [Int32] = []
        var ptx = sx - 1, pty = sy - 1   // back to unpadded coordinates
        var sEnd = isHole ? 0 : 4
        var s = sEnd
        var i1 = 0
        repeat {
            s = (s - 1) & 7
            i1 = i0 + delta[s]
        } while p[i1] == 0 && s != sEnd
        if s == sEnd {   // a single pixel
            p[i0] = right
            return [Int32(ptx), Int32(pty)]
        }
        var i3 = i0
        var prevS = s ^ 4
        while true {
            sEnd = s
            s = min(s, 15)
            var i4 = i3
            while s < 15 {
                s += 1
                i4 = i3 + delta[s]
                if p[i4] != 0 { break }
            }
            s &= 7
            if UInt(bitPattern: s - 1) < UInt(bitPattern: sEnd) {
                p[i3] = right
            } else if p[i3] == 1 {
                p[i3] = nbd
            }
            if s != prevS {
                pts.append(Int32(ptx)); pts.append(Int32(pty))
            }
            prevS = s
            ptx += cdx[s]; pty += cdy[s]
            if i4 == i0 && i3 == i1 { break }
            i3 = i4
            s = (s + 4) & 7
        }
        return pts
    }
}
