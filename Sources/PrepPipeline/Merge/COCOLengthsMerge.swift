import Foundation
import PrepCore

/// A shard's record-lengths file (`ShardRecordLengths`) and the size its output had at the end
/// of its run (`ShardManifest.Output.lengths`, `bytes`).
struct ShardLengthsFile {
    let url: URL
    let bytes: Int
}

extension ShardOutputMerger {
    /// COCO files whose shards recorded their records' lengths: the same output as `mergeJSON`,
    /// but each record is cut from the read buffer by its length and copied once, into the
    /// output buffer (`COCOShardSpans`, `ChunkWriter`), instead of being scanned as JSON and
    /// copied three times. Images
    /// first, in merged order (`id` renumbered), then the annotations grouped by image
    /// (`image_id` and `id` renumbered), a second pass over each file from where its
    /// annotations begin.
    func mergeCOCOByLengths(_ files: [ShardLengthsFile], firstID: Int) throws {
        let images = try inputs.indices.map { try COCOShardSpans(output: inputs[$0].output, ledger: files[$0], firstID: firstID, chunk: spanChunk) }
        let out = try ChunkWriter(url: destination)
        try out.append(try sameSkeleton(images.map { try $0.skipToArray("images") }, images))
        let image = DecimalCounter(firstID)
        try KWayMerge.run(try shards()) { k in
            if image.value != firstID { try out.appendSeparator() }
            try images[k].copyNextImage(to: out, id: image)
            image.increment()
        }
        try out.append(try sameSkeleton(images.map { try $0.closeArray() + $0.skipToArray("annotations") }, images))

        let annotations = try images.map {
            try COCOShardSpans(output: $0.output, ledger: $0.ledger, at: $0.offset, firstID: firstID, chunk: spanChunk)
        }
        let owner = DecimalCounter(firstID), annotation = DecimalCounter(firstID)
        try KWayMerge.run(try shards()) { k in
            let spans = annotations[k]
            for _ in 0..<(try spans.nextImageAnnotations()) {
                if annotation.value != firstID { try out.appendSeparator() }
                try spans.copyNextAnnotation(to: out, imageID: owner, id: annotation)
                annotation.increment()
            }
            owner.increment()
        }
        try out.append(try sameSkeleton(annotations.map { try $0.closeArray() + $0.rest() }, annotations))
        try out.close()
    }

    /// A JSON object with one list of records (MMOCR 1.x's `data_list`, no ids) whose shards
    /// recorded their records' lengths: each record cut by length and copied once, in merged
    /// order, as `mergeCOCOByLengths` copies images.
    func mergeListByLengths(_ files: [ShardLengthsFile], key: String) throws {
        let lists = try inputs.indices.map { try COCOShardSpans(output: inputs[$0].output, ledger: files[$0], firstID: 0, chunk: spanChunk) }
        let out = try ChunkWriter(url: destination)
        try out.append(try sameSkeleton(lists.map { try $0.skipToArray(key) }, lists))
        var first = true
        try KWayMerge.run(try shards()) { k in
            if !first { try out.appendSeparator() }
            first = false
            try lists[k].copyNextRecord(to: out)
        }
        try out.append(try sameSkeleton(lists.map { try $0.closeArray() + $0.rest() }, lists))
        try out.close()
    }

    /// The one segment of the document between the arrays that every shard has (the COCO
    /// writer's are fixed: a shard that differs was edited).
    private func sameSkeleton(_ segments: [[UInt8]], _ spans: [COCOShardSpans]) throws -> [UInt8] {
        for (k, s) in segments.enumerated() where s != segments[0] {
            throw spans[k].changed("its document around the records differs from \(spans[0].output.path)'s")
        }
        return segments[0]
    }
}
