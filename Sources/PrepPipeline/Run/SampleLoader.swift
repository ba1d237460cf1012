import Foundation
import PrepCore
import PrepConverters
import PrepFormats

/// Probes and parses one gathered pair into a `Sample` (runs on worker threads): the image's
/// header for its size, the annotation through the pair's own parse (whole-file formats) or the
/// per-image converter. Problems come back as the failure the passes report as a skip.
enum SampleLoader {
    static func load(_ pair: GatheredPair, _ converter: (any PerImageConverter)?) -> Result<Sample, PrepError> {
        do {
            let info = try ImageProbe.probe(path: pair.imagePath)
            let instances: [TextInstance]
            if let parsed = pair.parsed {
                instances = try parsed.loadInstances()
            } else if let converter {
                instances = try converter.parse(annotationPath: pair.annotationPath)
            } else {
                throw PrepError.failed("\(pair.annotationPath): no converter for this annotation")
            }
            let image = ImageRef(path: pair.imagePath, name: pair.outputName, width: info.width, height: info.height,
                                 format: info.format, exifOrientation: info.exifOrientation)
            return .success(Sample(image: image, annotationName: pair.outputAnnotationName, instances: instances,
                                   imageObject: pair.parsed?.imageObject))
        } catch let e as PrepError {
            return .failure(e)
        } catch {
            return .failure(.failed("\(pair.imagePath): \(error)"))
        }
    }
}
