import Foundation
import PrepCore

/// Cuts the recognition crops of one image: reads the file once, decodes only the rows and
/// columns the crops need (libjpeg-turbo skips and crops scanlines; pixels equal a full
/// decode), cuts each instance as the reference does, applies the vertical rule and encodes.
/// Runs on worker threads; holds nothing between images.
public struct CropEngine: Sendable {
    public let settings: CropSettings

    public init(settings: CropSettings) { self.settings = settings }

    /// What one image gave.
    public struct Result: Sendable {
        public var crops: [RecogCrop] = []
        /// Instances left out, with the reason (per instance, or one for the whole image).
        public var skipped: [(file: String, reason: String)] = []
        /// Do-not-care instances (`###`, iscrowd), never cropped.
        public var ignored = 0
        /// Tall crops left out under `--vertical drop`.
        public var droppedVertical = 0
        /// Tall crops turned by `--vertical rotate`.
        public var rotated = 0
    }

    /// Cuts `sample`'s instances. `prefix` names the crops (`<prefix>_<index>.<ext>`; the
    /// reference uses the image name up to its first dot); `split` selects the vertical rule.
    public func cut(_ sample: Sample, prefix: String, split: String, bytes: [UInt8]) -> Result {
        var result = Result()
        let file = sample.image.path
        let orientation = settings.exif == .apply ? ExifOrientation(sample.image.exifOrientation) : ExifOrientation(1)
        let size = orientation.displayedSize(width: sample.image.width, height: sample.image.height)

        // Plan every crop first, so one partial decode covers them all.
        struct Plan {
            var index: Int; var text: String; var rect: CropRect; var warp: PerspectiveWarp?
            var lexicon: String? = nil; var padTo: (w: Int, h: Int)? = nil
        }
        var plans: [Plan] = []
        var index = settings.firstIndex - 1
        var number = 0
        for instance in sample.instances {
            number += 1
            if instance.ignore {
                result.ignored += 1
                if settings.indexIgnored { index += 1 }
                continue
            }
            if settings.indexBeforeSkip { index += 1 }
            let text = instance.text ?? ""
            let what = "instance \(number)" + (text.isEmpty ? "" : " ('\(text)')")
            if let defect = Polygon.defect(instance.polygon) {
                result.skipped.append((file, "\(what): polygon has \(defect)")); continue
            }
            var rect: CropRect
            var warp: PerspectiveWarp? = nil
            var padTo: (w: Int, h: Int)? = nil
            switch settings.mode {
            case let .box(longPad, shortPad):
                rect = CropRect.cropImg(instance.polygon, width: size.width, height: size.height, longPad: longPad, shortPad: shortPad)
            case .xywhSlice:
                let b = instance.attributes["bbox"]?.array?.compactMap(\.number) ?? Polygon.xywh(instance.polygon)
                rect = b.count == 4 ? CropRect.xywhSlice(x: b[0], y: b[1], w: b[2], h: b[3], width: size.width, height: size.height)
                    : CropRect(x0: 0, y0: 0, x1: 0, y1: 0)
            case .boundsSlice:
                rect = CropRect.boundsSlice(instance.polygon, width: size.width, height: size.height)
            case .xywhPadded:
                // The part inside the image is decoded; the rest of the box is black (x, y ≥ 0, so
                // only the right and bottom can run past the image).
                let b = instance.attributes["bbox"]?.array?.compactMap(\.number) ?? Polygon.xywh(instance.polygon)
                rect = b.count == 4 ? CropRect.xywhSlice(x: b[0], y: b[1], w: b[2], h: b[3], width: size.width, height: size.height)
                    : CropRect(x0: 0, y0: 0, x1: 0, y1: 0)
                if b.count == 4 {
                    do { padTo = (try CheckedInt.make(b[2], .up, path: "bbox[2]"), try CheckedInt.make(b[3], .up, path: "bbox[3]")) } catch {
                        result.skipped.append((file, "\(what): \(error)")); continue
                    }
                }
            case .warp:
                switch PerspectiveWarp.plan(instance.polygon, width: size.width, height: size.height) {
                case let .success(w): warp = w; rect = w.sourceRect
                case let .failure(why): result.skipped.append((file, "\(what): \(why)")); continue
                }
            }
            if rect.isEmpty {
                let b = Polygon.bounds(instance.polygon)
                let outside = b.maxX <= 0 || b.maxY <= 0 || b.minX >= Double(size.width) || b.minY >= Double(size.height)
                result.skipped.append((file, "\(what): " + (outside ? "box lies outside the \(size.width)x\(size.height) image"
                                                            : "degenerate box (empty crop \(rect))")))
                continue
            }
            if settings.skipEmptyText && text.isEmpty {
                result.skipped.append((file, "\(what): empty transcription")); continue
            }
            if !settings.indexBeforeSkip { index += 1 }
            plans.append(Plan(index: index, text: text, rect: rect, warp: warp, lexicon: instance.attributes["lexicon"]?.string,
                              padTo: padTo))
        }
        guard !plans.isEmpty else { return result }

        // One decode of the region all crops need (bilinear warps read one pixel further).
        let union = !settings.partialDecode ? CropRect(x0: 0, y0: 0, x1: size.width, y1: size.height)
            : plans.dropFirst().reduce(plans[0].rect) { $0.union($1.rect) }
                .expanded(by: plans.contains { $0.warp != nil } ? 2 : 0, width: size.width, height: size.height)
        let region: Pixels
        do {
            if settings.partialDecode && orientation.value == 1 && plans.allSatisfy({ $0.warp == nil }) {
                region = try ImageCodec.decode(bytes, name: file, columns: (union.x0, union.x1),
                                               rowBands: Self.rowBands(plans.map(\.rect)))
            } else {
                region = try ImageCodec.decode(bytes, name: file, region: (union.x0, union.y0, union.x1, union.y1),
                                               orientation: orientation)
            }
        } catch {
            let reason = (error as? PrepError).map(Self.reason) ?? "\(error)"
            result.skipped.append((file, "\(reason); its \(plans.count) crop\(plans.count == 1 ? "" : "s") skipped"))
            return result
        }
        // OpenVINO: crops keep the source's quantisation (a non-JPEG source gets quality 95).
        let quantisation = settings.keepSourceTables ? ImageCodec.quantisation(of: bytes) : nil
        for plan in plans {
            var pixels: Pixels
            if let warp = plan.warp {
                pixels = warp.apply(to: region, originX: union.x0, originY: union.y0, imageWidth: size.width, imageHeight: size.height)
            } else {
                let r = plan.rect
                pixels = region.cropped(x0: r.x0 - union.x0, y0: r.y0 - union.y0, x1: r.x1 - union.x0, y1: r.y1 - union.y0)
                if let pad = plan.padTo { pixels = pixels.padded(width: pad.w, height: pad.h) }
            }
            var diverted = false
            if settings.verticalApplies(on: split) && Double(pixels.height) / Double(pixels.width) > settings.verticalRatio {
                switch settings.vertical {
                case .keep: break
                case .ignores: diverted = true
                case .rotate: pixels = pixels.rotatedCounterClockwise(); result.rotated += 1
                case .drop: result.droppedVertical += 1; continue
                }
            }
            if let size = settings.resize { pixels = pixels.resized(width: size.width, height: size.height) }
            let name = "\(prefix)_\(plan.index).\(settings.imageExtension)"
            do {
                let encoded = settings.imageExtension == "png" ? try ImageCodec.encodePNG(pixels)
                    : try quantisation.map { try ImageCodec.encodeJPEG(pixels, quantisation: $0) } ?? ImageCodec.encodeJPEG(pixels)
                var crop = RecogCrop(name: name, text: plan.text, diverted: diverted, bytes: encoded,
                                     width: pixels.width, height: pixels.height)
                crop.lexicon = plan.lexicon
                result.crops.append(crop)
            } catch {
                result.skipped.append((file, "crop \(name): cannot encode (\(error))"))
            }
        }
        return result
    }

    /// The rows the crops cover, as sorted bands; bands closer than 32 rows are merged, since
    /// skipping fewer rows than the decoder's 16-row margin on each side saves nothing.
    static func rowBands(_ rects: [CropRect]) -> [(y0: Int, y1: Int)] {
        var bands: [(y0: Int, y1: Int)] = []
        for r in rects.filter({ !$0.isEmpty }).sorted(by: { $0.y0 < $1.y0 }) {
            if let last = bands.last, r.y0 <= last.y1 + 32 {
                bands[bands.count - 1].y1 = max(last.y1, r.y1)
            } else {
                bands.append((r.y0, r.y1))
            }
        }
        return bands
    }

    /// The reason part of an image error (the file is named separately).
    static func reason(_ e: PrepError) -> String {
        switch e {
        case let .image(_, reason), let .io(_, reason), let .input(_, _, reason): return reason
        default: return e.description
        }
    }
}
