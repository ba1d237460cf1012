import Foundation
import PrepCore

/// Tiny generated detection pages for end-to-end tests: bright bars as "words" on a dark page.
enum DetTestPages {
    /// `count` 96 × 64 PNG pages under ROOT/imgs and their MMOCR 1.x textdet annotation
    /// (ROOT/textdet_train.json, one box with a text per page).
    static func write(_ root: URL, count: Int = 3) throws -> URL {
        let imgs = root.appendingPathComponent("imgs")
        try FileManager.default.createDirectory(at: imgs, withIntermediateDirectories: true)
        var items: [String] = []
        for k in 0..<count {
            var px = Pixels(width: 96, height: 64, channels: 3, order: .bgr, data: [UInt8](repeating: 30, count: 96 * 64 * 3))
            let x0 = 10 + 8 * k, y0 = 12 + 6 * k, x1 = x0 + 50, y1 = y0 + 14
            for y in y0..<y1 { for x in x0..<x1 where (x / 3) % 2 == 0 { for c in 0..<3 { px.data[(y * 96 + x) * 3 + c] = 235 } } }
            try Data(ImageCodec.encodePNG(px)).write(to: imgs.appendingPathComponent("p\(k).png"))
            items.append("{\"img_path\": \"imgs/p\(k).png\", \"height\": 64, \"width\": 96, \"instances\": [{\"polygon\": [\(x0), \(y0), \(x1), \(y0), \(x1), \(y1), \(x0), \(y1)], \"bbox\": [\(x0), \(y0), \(x1), \(y1)], \"bbox_label\": 0, \"ignore\": false, \"text\": \"ab\(k)\"}]}")
        }
        let ann = root.appendingPathComponent("textdet_train.json")
        try ("{\"metainfo\": {\"dataset_type\": \"TextDetDataset\", \"task_name\": \"textspotting\", \"category\": [{\"id\": 0, \"name\": \"text\"}]}, \"data_list\": [" + items.joined(separator: ", ") + "]}\n")
            .write(to: ann, atomically: true, encoding: .utf8)
        return ann
    }
}
