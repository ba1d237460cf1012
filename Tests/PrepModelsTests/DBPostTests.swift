import XCTest
@testable import PrepModels

/// DBNet target generation and post-processing against their references, fixtures/dbpost/*.json
/// written by scripts/make_dbpost_fixtures.py with MMOCR 1.0.1, OpenCV 4.10 and pyclipper 1.3.0
/// (the MMOCR 1.x peer): OpenCV's fillPoly, findContours, approxPolyDP, minAreaRect/boxPoints,
/// pyclipper's offsets, DBModuleLoss's targets and DBPostprocessor's polygons and scores.
final class DBPostTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/dbpost")

    func load(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: Self.dir.appendingPathComponent(name))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    func bytes(_ s: Any?) -> [UInt8] { [UInt8](Data(base64Encoded: s as? String ?? "") ?? Data()) }
    func bits(_ s: Any?, _ count: Int) -> [UInt8] {
        let b = bytes(s)
        return (0..<count).map { (b[$0 >> 3] >> (7 - UInt8($0 & 7))) & 1 }
    }
    func floats(_ s: Any?) -> [Float] {
        let b = bytes(s)
        return b.withUnsafeBytes { raw in (0..<(b.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
    }
    func ints(_ a: Any?) -> [Int] { (a as? [Any] ?? []).map { ($0 as! NSNumber).intValue } }
    func doubles(_ a: Any?) -> [Double] { (a as? [Any] ?? []).map { ($0 as! NSNumber).doubleValue } }

    func testFillPolyEqualsOpenCV() throws {
        for (k, c) in try load("raster.json").enumerated() {
            let w = c["width"] as! Int, h = c["height"] as! Int
            var map = [Float](repeating: 0, count: w * h)
            PolygonRaster.fill(&map, width: w, height: h, polygon: ints(c["polygon"]).map { Int64($0) }, value: 1)
            let expected = bits(c["mask"], w * h)
            let got = map.map { UInt8($0) }
            let diff = zip(got, expected).filter { $0 != $1 }.count
            XCTAssertEqual(diff, 0, "polygon \(k): \(ints(c["polygon"])) differs in \(diff) pixels")
            if diff > 0 && ProcessInfo.processInfo.environment["DBPOST_DEBUG"] != nil {
                for y in 0..<h {
                    print((0..<w).map { x in got[y * w + x] == expected[y * w + x] ? (got[y * w + x] == 1 ? "#" : ".") : (got[y * w + x] == 1 ? "+" : "-") }.joined())
                }
            }
        }
    }

    func testOffsetEqualsPyclipper() throws {
        for (k, c) in try load("offset.json").enumerated() {
            let got = PolygonOffset.paths(doubles(c["polygon"]), delta: (c["delta"] as! NSNumber).doubleValue)
            let expected = (c["paths"] as! [Any]).map { ints($0).map { Int64($0) } }
            XCTAssertEqual(got, expected, "case \(k)")
        }
    }

    func testContoursArcLengthAndApproxEqualOpenCV() throws {
        for (k, c) in try load("contours.json").enumerated() {
            let w = c["width"] as! Int, h = c["height"] as! Int
            let mask = bits(c["mask"], w * h)
            let got = ContourTracer.contours(mask: mask, width: w, height: h)
            let expected = (c["contours"] as! [Any]).map { ints($0).map { Int32($0) } }
            XCTAssertEqual(got, expected, "mask \(k)")
            guard got.count == expected.count else { continue }
            let arcs = doubles(c["arc"])
            let approx = (c["approx"] as! [Any]).map { ints($0).map { Int32($0) } }
            for i in 0..<got.count {
                let arc = PolygonApprox.arcLength(expected[i])
                XCTAssertEqual(arc, arcs[i], accuracy: 1e-9, "mask \(k) contour \(i)")
                XCTAssertEqual(PolygonApprox.approximate(expected[i], epsilon: 0.01 * arc), approx[i], "mask \(k) contour \(i)")
            }
        }
    }

    func testMinAreaRectAndBoxPointsEqualOpenCV() throws {
        for (k, c) in try load("minrect.json").enumerated() {
            let pts = doubles(c["points"]).map { Float($0) }
            let r = MinAreaRect(points: pts)
            if ProcessInfo.processInfo.environment["DBPOST_DEBUG"] != nil && k >= 80 {
                print(k, "hull", MinAreaRect.convexHull(pts, clockwise: false), r, c["angle"]!, c["size"]!)
            }
            let center = doubles(c["center"]), size = doubles(c["size"])
            let what = "case \(k): \(pts)"
            XCTAssertEqual(Double(r.centerX), center[0], accuracy: 1e-4, what)
            XCTAssertEqual(Double(r.centerY), center[1], accuracy: 1e-4, what)
            XCTAssertEqual(Double(r.width), size[0], accuracy: 1e-4, what)
            XCTAssertEqual(Double(r.height), size[1], accuracy: 1e-4, what)
            XCTAssertEqual(Double(r.angle), (c["angle"] as! NSNumber).doubleValue, accuracy: 1e-4, what)
            let box = doubles(c["box"])
            for (a, b) in zip(r.corners, box) { XCTAssertEqual(Double(a), b, accuracy: 1e-3, what) }
        }
    }

    func testTargetsEqualMMOCR() throws {
        let gen = DBTargetGenerator()
        for c in try load("targets.json") {
            let name = c["name"] as! String
            let w = c["width"] as! Int, h = c["height"] as! Int
            let polys = (c["polygons"] as! [Any]).map { doubles($0) }
            let ignored = (c["ignored"] as! [Bool])
            let (t, skipped) = gen.make(height: h, width: w, polygons: polys, ignored: ignored)
            XCTAssertEqual(t.probMap.map { UInt8($0) }, bits(c["prob_map"], w * h), "\(name) probMap")
            XCTAssertEqual(t.probMask.map { UInt8($0) }, bits(c["prob_mask"], w * h), "\(name) probMask")
            XCTAssertEqual(t.threshMask.map { UInt8($0) }, bits(c["thresh_mask"], w * h), "\(name) threshMask")
            let thr = floats(c["thresh_map"])
            XCTAssertEqual(thr.count, t.threshMap.count)
            var worst: Float = 0, at = 0
            for (i, (a, b)) in zip(t.threshMap, thr).enumerated() where abs(a - b) > worst { worst = abs(a - b); at = i }
            if ProcessInfo.processInfo.environment["DBPOST_DEBUG"] != nil {
                print(name, "worst", worst, "at x", at % w, "y", at / w, t.threshMap[at], thr[at])
            }
            XCTAssertLessThanOrEqual(worst, 1.2e-7, "\(name) threshMap")   // ≤ 1 float32 ulp at 0.3…0.7
            XCTAssertEqual(skipped.map(\.index), ints(c["expect_skipped"]), "\(name): \(skipped)")
        }
    }

    func testPostprocessorEqualsMMOCR() throws {
        for (k, c) in try load("post.json").enumerated() {
            let w = c["width"] as! Int, h = c["height"] as! Int
            let prob = bytes(c["prob"]).map { Float($0) / 255 }
            let sf = doubles(c["scale_factor"])
            for (repr, key) in [(DBPostprocessor.TextRepr.quad, "quad"), (.poly, "poly")] {
                let got = DBPostprocessor(textRepr: repr).process(prob: prob, height: h, width: w,
                                                                  scaleX: 1 / sf[0], scaleY: 1 / sf[1])
                let e = c[key] as! [String: Any]
                let polys = (e["polygons"] as! [Any]).map { doubles($0) }
                let scores = doubles(e["scores"])
                XCTAssertEqual(got.count, polys.count, "map \(k) \(key)")
                for (i, (g, p)) in zip(got, polys).enumerated() {
                    XCTAssertEqual(g.polygon.count, p.count, "map \(k) \(key) #\(i)")
                    for (a, b) in zip(g.polygon, p) { XCTAssertEqual(a, b, accuracy: 1e-3, "map \(k) \(key) #\(i)") }
                    XCTAssertEqual(g.score, scores[i], accuracy: 1e-6, "map \(k) \(key) #\(i)")
                }
            }
        }
    }
}
