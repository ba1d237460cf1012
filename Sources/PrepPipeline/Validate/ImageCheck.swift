import Foundation
import PrepCore
import PrepFormats

/// Checks of one image: present, readable, complete (end marker), optionally decodable, its
/// header size against the annotation's, EXIF orientation, and its SHA-256 for duplicates.
public struct ImageCheck: Sendable {
    /// Decode every image (slow) to find corrupt data a header and end marker do not show.
    public var decode: Bool

    public init(decode: Bool = false) { self.decode = decode }

    public struct Result: Sendable {
        public var findings: [(AnomalyKind, String)] = []
        public var digest: SHA256Digest?
        /// The header's stored size, when readable.
        public var width: Int?
        public var height: Int?
        public var exifOrientation = 1
    }

    public func check(_ source: ValidationImageSource, expected: (width: Int, height: Int)?) -> Result {
        var r = Result()
        let bytes: [UInt8]
        let name: String
        switch source {
        case .none: return r
        case .file, .named:
            let url = source.url!
            name = url.path
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else {
                r.findings.append((.imageMissing, "image \(url.path) does not exist")); return r
            }
            guard case let .success(data) = FileBytes.read(url.path) else {
                r.findings.append((.imageUnreadable, "cannot read \(url.path)")); return r
            }
            bytes = data
        case let .lmdb(reader, index):
            name = RecogLMDBReader.imageKey(index)
            do { bytes = try reader.image(at: index) } catch {
                r.findings.append((.imageMissing, "\(name): \(error)")); return r
            }
        }
        r.digest = SHA256.of(bytes)
        let info: ImageInfo
        do { info = try ImageProbe.probe(bytes: bytes, name: name) } catch let e as PrepError {
            let reason: String
            if case let .image(_, why) = e { reason = why } else { reason = e.description }
            r.findings.append((reason.hasPrefix("truncated") ? .imageTruncated : .imageUnreadable, reason))
            return r
        } catch {
            r.findings.append((.imageUnreadable, "\(error)")); return r
        }
        r.width = info.width
        r.height = info.height
        r.exifOrientation = info.exifOrientation
        if decode {
            do { _ = try ImageCodec.verify(bytes, name: name) } catch {
                let reason = (error as? PrepError).map { e -> String in
                    if case let .image(_, why) = e { return why }
                    return e.description
                } ?? "\(error)"
                r.findings.append((reason.hasPrefix("truncated") ? .imageTruncated : .imageUndecodable, reason))
                return r
            }
        }
        // The displayed (EXIF-rotated) size is consistent too: what `--exif apply` records.
        var displayed = false
        if let e = expected, e.width > 0, e.height > 0, e.width != info.width || e.height != info.height {
            displayed = e.width == info.height && e.height == info.width && info.exifOrientation >= 5
            if !displayed {
                r.findings.append((.imageSizeMismatch, "the annotation says \(e.width)x\(e.height), the file is \(info.width)x\(info.height)"))
            }
        }
        if info.exifOrientation != 1 {
            r.findings.append((.exifOrientation, ImageCheck.meaning(info.exifOrientation, width: info.width, height: info.height)
                               + (displayed ? "; the annotation records the displayed size" : "")))
        }
        return r
    }

    /// What an orientation tag means for coordinates.
    static func meaning(_ o: Int, width: Int, height: Int) -> String {
        let how: String
        switch o {
        case 2: how = "mirrored left-right"
        case 3: how = "rotated 180°"
        case 4: how = "mirrored top-bottom"
        case 5: how = "transposed"
        case 6: how = "rotated 90° clockwise"
        case 7: how = "transversed"
        case 8: how = "rotated 90° counter-clockwise"
        default: how = "oriented \(o)"
        }
        let shown = o >= 5 ? "\(height)x\(width)" : "\(width)x\(height)"
        return "EXIF orientation \(o): viewers show the \(width)x\(height) stored pixels \(how) (\(shown)); "
            + "coordinates must say whether they refer to the stored pixels (prep --exif ignore) or the displayed image (--exif apply)"
    }
}
