import CPrepKernels

/// Winograd F(2×2, 3×3) for `Conv2d`'s inference forward (3×3 kernel, stride 1, dilation 1,
/// any padding): each 2×2 block of output ("tile") comes from a 4×4 block of input as
/// Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A, so the convolution becomes 16 independent GEMMs
/// M[ξ] (Cout × T) = U[ξ] (Cout × Cin) · V[ξ] (Cin × T) over the T tiles of a block of images,
/// with 16·Cin multiply-adds per tile and output channel instead of im2col's 4·9·Cin: 2.25×
/// fewer, and the transformed input is 16/4 = 4 floats per input float instead of im2col's 9.
/// G holds only 0, ±½ and 1, so its weights stay close to the direct sum's rounding (tests
/// hold it within 1e-4 of the im2col path).
///
/// Layouts: U is [16][Cout][Cin] (`transformWeights`), V is [16][Cin][T] and M is [16][Cout][T],
/// T = images × tile rows × tiles per row, tile index (image, tile row, tile column).
struct WinogradF2x3 {
    let cin: Int, cout: Int
    /// Input plane and padding; output plane (h + 2·ph − 2) × (w + 2·pw − 2) and its tiles.
    let h: Int, w: Int, ph: Int, pw: Int
    let ho: Int, wo: Int, tilesY: Int, tilesX: Int

    init(cin: Int, cout: Int, h: Int, w: Int, padding: (h: Int, w: Int)) {
        self.cin = cin
        self.cout = cout
        self.h = h
        self.w = w
        ph = padding.h
        pw = padding.w
        ho = h + 2 * ph - 2
        wo = w + 2 * pw - 2
        tilesY = (ho + 1) / 2
        tilesX = (wo + 1) / 2
    }

    /// A block of work: whole images `images` or, for one large image, its tile rows `rows`.
    struct Block {
        let images: Range<Int>
        let rows: Range<Int>
        /// Tile rows in the block (each `tilesX` tiles).
        var tileRows: Int { images.count * rows.count }
    }

    /// U = G g Gᵀ for every (output, input) channel pair of weights [Cout][Cin][3][3].
    static func transformWeights(_ g: UnsafePointer<Float>, cout: Int, cin: Int, into u: UnsafeMutablePointer<Float>) {
        let stride = cout * cin
        for p in 0..<stride {
            let k = g + p * 9
            // G g (4×3), rows as SIMD4 (last lane unused)
            let r0 = SIMD4<Float>(k[0], k[1], k[2], 0), r1 = SIMD4<Float>(k[3], k[4], k[5], 0)
            let r2 = SIMD4<Float>(k[6], k[7], k[8], 0)
            let rows = (r0, 0.5 * (r0 + r1 + r2), 0.5 * (r0 - r1 + r2), r2)
            // (G g) Gᵀ (4×4)
            for i in 0..<4 {
                let t = i == 0 ? rows.0 : i == 1 ? rows.1 : i == 2 ? rows.2 : rows.3
                let a = t[0], b = t[1], c = t[2]
                u[(4 * i) * stride + p] = a
                u[(4 * i + 1) * stride + p] = 0.5 * (a + b + c)
                u[(4 * i + 2) * stride + p] = 0.5 * (a - b + c)
                u[(4 * i + 3) * stride + p] = c
            }
        }
    }

    /// V[ξ][c][t] = (Bᵀ d B)[ξ] for input channels `channels` of `block`'s tiles (x: N×Cin×h×w).
    func transformInput(_ x: UnsafePointer<Float>, block: Block, channels: Range<Int>,
                        into v: UnsafeMutablePointer<Float>) {
        let t = block.tileRows * tilesX, plane = h * w
        // each plane's tile rows through zero-padded row copies (CPrepKernels: vectorised at the CPU's width)
        for (bi, image) in block.images.enumerated() {
            let t0 = bi * block.rows.count * tilesX
            for c in channels {
                prep_winograd_input_plane(x + (image * cin + c) * plane, h, w, ph, pw, block.rows.lowerBound,
                                          block.rows.upperBound, tilesX, v + c * t + t0, cin * t)
            }
        }
    }

    /// The 16 GEMMs M[ξ] = U[ξ] · V[ξ] for ξ in `xi`, rows (output channels) `channels` of each
    /// (each a single-threaded BLAS call).
    func multiply(_ u: UnsafePointer<Float>, _ v: UnsafePointer<Float>, tiles t: Int, xi: Range<Int>,
                  channels: Range<Int>? = nil, into m: UnsafeMutablePointer<Float>) {
        let rows = channels ?? 0..<cout
        guard !rows.isEmpty else { return }
        for e in xi {
            sgemm(m: rows.count, n: t, k: cin, a: u + (e * cout + rows.lowerBound) * cin, lda: cin,
                  b: v + e * cin * t, ldb: t, c: m + (e * cout + rows.lowerBound) * t, ldc: t)
        }
    }

    /// The 16 GEMMs with U packed once (`PackedWeights`, 16 matrices Cout × Cin): rows
    /// `channels` of each M[ξ], `channels` starting on a panel boundary (single-threaded).
    func multiply(_ u: PackedWeights, _ v: UnsafePointer<Float>, tiles t: Int, channels: Range<Int>,
                  into m: UnsafeMutablePointer<Float>) {
        guard !channels.isEmpty else { return }
        for e in 0..<16 {
            u.multiply(e, rows: channels, b: v + e * cin * t, ldb: t, n: t, c: m + e * cout * t, ldc: t)
        }
    }

    /// y = act(Aᵀ M A · scale + shift) for output channels `channels` of `block`'s tiles into the
    /// output (N×Cout×ho×wo), with per-channel `scale` and `shift` and an optional ReLU.
    func transformOutput(_ m: UnsafePointer<Float>, block: Block, channels: Range<Int>,
                         scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu: Bool,
                         into y: UnsafeMutablePointer<Float>) {
        let t = block.tileRows * tilesX, plane = ho * wo, step = cout * t
        let fullX = wo / 2  // tiles whose two columns are both inside the output
        let lo: Float = relu ? 0 : -.infinity
        // one channel's four output values of every tile, computed along the tiles (vectorised),
        // then written to their 2×2 places
        let r = UnsafeMutablePointer<Float>.allocate(capacity: 4 * t)
        defer { r.deallocate() }
        let r00 = r, r01 = r + t, r10 = r + 2 * t, r11 = r + 3 * t
        typealias V = SIMD8<Float>
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        let vlo = V(repeating: lo)
        /// max(v, lo) lane by lane (the ReLU, or nothing for lo = −∞), inlined (`pointwiseMax` was a call).
        @inline(__always) func floor(_ v: V) -> V { v.replacing(with: vlo, where: v .< vlo) }
        for c in channels {
            let a = scale[c], b = shift[c], base = m + c * t
            let va = V(repeating: a), vb = V(repeating: b)
            var i = 0
            while i + 8 <= t {
                let p = base + i
                let m00 = load(p), m01 = load(p + step), m02 = load(p + 2 * step), m03 = load(p + 3 * step)
                let m10 = load(p + 4 * step), m11 = load(p + 5 * step), m12 = load(p + 6 * step), m13 = load(p + 7 * step)
                let m20 = load(p + 8 * step), m21 = load(p + 9 * step), m22 = load(p + 10 * step), m23 = load(p + 11 * step)
                let m30 = load(p + 12 * step), m31 = load(p + 13 * step), m32 = load(p + 14 * step), m33 = load(p + 15 * step)
                // Aᵀ M: rows 0 + 1 + 2 and 1 − 2 − 3; then · A and the epilogue
                let s00 = m00 + m10 + m20, s01 = m01 + m11 + m21, s02 = m02 + m12 + m22, s03 = m03 + m13 + m23
                let s10 = m10 - m20 - m30, s11 = m11 - m21 - m31, s12 = m12 - m22 - m32, s13 = m13 - m23 - m33
                store(floor((s00 + s01 + s02) * va + vb), r00 + i)
                store(floor((s01 - s02 - s03) * va + vb), r01 + i)
                store(floor((s10 + s11 + s12) * va + vb), r10 + i)
                store(floor((s11 - s12 - s13) * va + vb), r11 + i)
                i += 8
            }
            while i < t {
                let p = base + i
                let m00 = p[0], m01 = p[step], m02 = p[2 * step], m03 = p[3 * step]
                let m10 = p[4 * step], m11 = p[5 * step], m12 = p[6 * step], m13 = p[7 * step]
                let m20 = p[8 * step], m21 = p[9 * step], m22 = p[10 * step], m23 = p[11 * step]
                let m30 = p[12 * step], m31 = p[13 * step], m32 = p[14 * step], m33 = p[15 * step]
                let s00 = m00 + m10 + m20, s01 = m01 + m11 + m21, s02 = m02 + m12 + m22, s03 = m03 + m13 + m23
                let s10 = m10 - m20 - m30, s11 = m11 - m21 - m31, s12 = m12 - m22 - m32, s13 = m13 - m23 - m33
                r00[i] = max((s00 + s01 + s02) * a + b, lo)
                r01[i] = max((s01 - s02 - s03) * a + b, lo)
                r10[i] = max((s10 + s11 + s12) * a + b, lo)
                r11[i] = max((s11 - s12 - s13) * a + b, lo)
                i += 1
            }
            for (bi, image) in block.images.enumerated() {
                let dst = y + (image * cout + c) * plane
                for ty in block.rows {
                    let k = (bi * block.rows.count + ty - block.rows.lowerBound) * tilesX
                    let y0 = dst + 2 * ty * wo
                    for tx in 0..<fullX { y0[2 * tx] = r00[k + tx]; y0[2 * tx + 1] = r01[k + tx] }
                    if fullX < tilesX { y0[2 * fullX] = r00[k + fullX] }  // odd width: first column only
                    guard 2 * ty + 1 < ho else { continue }  // odd height: first row only
                    let y1 = y0 + wo
                    for tx in 0..<fullX { y1[2 * tx] = r10[k + tx]; y1[2 * tx + 1] = r11[k + tx] }
                    if fullX < tilesX { y1[2 * fullX] = r10[k + fullX] }
                }
            }
        }
    }
}
