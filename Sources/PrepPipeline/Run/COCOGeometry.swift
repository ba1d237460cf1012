import PrepCore

/// The recipe's `coco: {bbox, area}` rules, applied to instances before the COCO writer (which
/// honours per-instance `bbox` / `area` attributes). Keeps the per-dataset geometry of the
/// reference converters (§2.8) data-driven instead of hard-coded per dataset.
struct COCOGeometry {
    var clampedBBox: Bool
    /// `xywh`: min x, min y, w, h of the polygon as integers where the coordinates are (not
    /// clamped; VinText's and BID's converters).
    var integerBBox: Bool
    var bboxArea: Bool

    /// Nil when the recipe keeps the writer's defaults (Shapely bounds and polygon area).
    init?(_ settings: Recipe.COCOSettings?, recipe: String) throws {
        let bbox = settings?.bbox ?? "bounds", area = settings?.area ?? "polygon"
        guard ["bounds", "clamped-xywh", "xywh"].contains(bbox) else {
            throw PrepError.failed("dataset-zoo/\(recipe): unknown coco bbox rule '\(bbox)' (bounds, clamped-xywh, xywh)")
        }
        guard ["polygon", "bbox"].contains(area) else {
            throw PrepError.failed("dataset-zoo/\(recipe): unknown coco area rule '\(area)' (polygon, bbox)")
        }
        if bbox == "bounds" && area == "polygon" { return nil }
        clampedBBox = bbox == "clamped-xywh"
        integerBBox = bbox != "bounds"
        bboxArea = area == "bbox"
    }

    func apply(_ sample: Sample) -> Sample {
        var s = sample
        for i in s.instances.indices {
            let p = s.instances[i].polygon
            let b = Polygon.bounds(p)
            var x = b.minX, y = b.minY
            if clampedBBox { x = max(0, x); y = max(0, y) }
            let w = b.maxX - x, h = b.maxY - y
            let ints = s.instances[i].integerCoordinates
            // A value no Int holds stays a float rather than trapping.
            func num(_ v: Double) -> JSONValue { ints ? (Int(exactly: v).map { .int($0) } ?? .double(v)) : .double(v) }
            if integerBBox { s.instances[i].attributes["bbox"] = .array([num(x), num(y), num(w), num(h)]) }
            if bboxArea { s.instances[i].attributes["area"] = num(w * h) }
        }
        return s
    }
}
