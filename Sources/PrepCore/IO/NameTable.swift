import Foundation

/// The names of a folder listing as UTF-8 bytes in one buffer, with an optional hash index:
/// no `String` or `Set<String>` entry per name. Every shard of a sharded run lists, filters,
/// sorts and looks up all of a folder's names (tens of thousands to millions), though it keeps
/// only its share; as `String`s that was ~3,600 instructions per name, most of a small shard's
/// run. Names are stored as `String(decoding:as:)` reads them (invalid UTF-8 repaired), so every
/// answer equals the one the `String`s gave.
public struct NameTable: Sendable {
    private var bytes: [UInt8] = []
    /// Where each name ends in `bytes` (it starts where the one before ends).
    private var ends: [Int] = []
    /// Open-addressing index (`-1` empty) over the names, built by `indexed()`; empty until then.
    private var slots: [Int32] = []

    public init() {}

    /// A table of `names`, in their order.
    public init<S: Sequence>(_ names: S) where S.Element == String {
        for var name in names { name.withUTF8 { append($0) } }
    }

    public var count: Int { ends.count }

    /// Adds a name; bytes that are not UTF-8 are repaired as `String(decoding:as:)` does.
    public mutating func append(_ name: UnsafeBufferPointer<UInt8>) {
        if name.contains(where: { $0 >= 0x80 }) {
            var s = String(decoding: name, as: UTF8.self)
            s.withUTF8 { bytes.append(contentsOf: $0) }
        } else {
            bytes.append(contentsOf: name)
        }
        ends.append(bytes.count)
    }

    /// Name `i` as a `String`.
    public func string(_ i: Int) -> String {
        withNames { String(decoding: $0[i], as: UTF8.self) }
    }

    /// Every name as a `String`, in table order.
    public var strings: [String] {
        withNames { v in (0..<v.count).map { String(decoding: v[$0], as: UTF8.self) } }
    }

    /// Direct access to the names' bytes for the duration of `body` (one borrow of the storage
    /// for a whole loop rather than one per name).
    public func withNames<R>(_ body: (Names) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { b in
            try ends.withUnsafeBufferPointer { e in try body(Names(base: b.baseAddress, ends: e)) }
        }
    }

    /// A borrowed view of the table's names (valid inside `withNames` only).
    public struct Names {
        fileprivate let base: UnsafePointer<UInt8>?
        fileprivate let ends: UnsafeBufferPointer<Int>
        public var count: Int { ends.count }
        public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
            let start = i == 0 ? 0 : ends[i - 1]
            guard let base else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(start: base + start, count: ends[i] - start)
        }
    }

    /// `indices` ordered by their names' bytes (UTF-8 byte order, the order listings are sorted
    /// in so that outputs never depend on directory order); equal names keep their order.
    public func sorted(_ indices: [Int]) -> [Int] {
        withNames { v in
            var keys = indices.map { SortKey(v, $0) }
            keys.sort { $0.precedes($1, v) }
            return keys.map(\.index)
        }
    }

    /// The position each of `sortedSubset` (indices in `sorted` order, all of them in `all`) would
    /// have in `sorted(all)`, without sorting `all`: each name of `all` is placed among the
    /// subset's by binary search and counted. A shard ranks its few names among all of a
    /// listing's this way (≈ log₂ of its share compares per name, not a sort of the listing).
    public func ranks(of sortedSubset: [Int], among all: [Int]) -> [Int] {
        withNames { v in
            let own = sortedSubset.map { SortKey(v, $0) }
            // before[k]: names of `all` with exactly k of the subset's names ahead of them.
            var before = [Int](repeating: 0, count: own.count + 1)
            for j in all {
                let key = SortKey(v, j)
                var low = 0, high = own.count
                while low < high {
                    let mid = (low + high) / 2
                    if own[mid].precedes(key, v) { low = mid + 1 } else { high = mid }
                }
                before[low] += 1
            }
            // A name precedes own[k] exactly when at most k of the subset precede it and it is
            // not own[k] itself (counted at k).
            var ranks: [Int] = [], sum = 0
            ranks.reserveCapacity(own.count)
            for k in own.indices {
                sum += before[k]
                ranks.append(sum - 1)
            }
            return ranks
        }
    }

    /// A name's first 16 bytes, zero-padded, packed into two big-endian integers, with its length
    /// and index: names are ordered by those, and only names whose first 16 bytes are equal are
    /// compared further (the shorter first when either has at most 16 bytes: it is then a prefix
    /// of the other). The index breaks ties, so the order is total.
    private struct SortKey {
        let high: UInt64, low: UInt64, count: Int, index: Int

        init(_ v: Names, _ i: Int) {
            let u = v[i]
            var words: (UInt64, UInt64) = (0, 0)
            if u.count > 0 {
                withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: u.prefix(16)))) }
            }
            high = UInt64(bigEndian: words.0); low = UInt64(bigEndian: words.1); count = u.count; index = i
        }

        @inline(__always) func precedes(_ b: SortKey, _ v: Names) -> Bool {
            if high != b.high { return high < b.high }
            if low != b.low { return low < b.low }
            if count > 16 && b.count > 16 {
                let c = memcmp(v[index].baseAddress! + 16, v[b.index].baseAddress! + 16, min(count, b.count) - 16)
                if c != 0 { return c < 0 }
            }
            return count < b.count || (count == b.count && index < b.index)
        }
    }

    /// The table with its hash index built (for `firstIndex(of:)`).
    public func indexed() -> NameTable {
        var t = self
        var capacity = 8
        while capacity < 2 * count { capacity <<= 1 }
        t.slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        t.slots.withUnsafeMutableBufferPointer { s in
            withNames { v in
                for i in 0..<v.count {
                    var at = Self.slot(v[i], mask: mask)
                    while s[at] >= 0 { at = (at + 1) & mask }
                    s[at] = Int32(truncatingIfNeeded: i)
                }
            }
        }
        return t
    }

    /// The index of the first name equal to `name` (an `indexed()` table), nil when none is.
    public func firstIndex(of name: UnsafeBufferPointer<UInt8>) -> Int? {
        withLookup { $0.firstIndex(of: name) }
    }

    /// Lookups for the duration of `body` through one borrow of the table (a loop asking for
    /// every name of a listing then copies and retains nothing per name).
    public func withLookup<R>(_ body: (Lookup) throws -> R) rethrows -> R {
        try slots.withUnsafeBufferPointer { s in try withNames { try body(Lookup(names: $0, slots: s)) } }
    }

    /// A borrowed view of an `indexed()` table's index (valid inside `withLookup` only).
    public struct Lookup {
        fileprivate let names: Names
        fileprivate let slots: UnsafeBufferPointer<Int32>

        /// The index of the first name equal to `name`, nil when none is (or not indexed).
        public func firstIndex(of name: UnsafeBufferPointer<UInt8>) -> Int? {
            guard !slots.isEmpty else { return nil }
            let mask = slots.count - 1
            // Names went in in table order, so the first equal one met is the first in the table.
            var at = NameTable.slot(name, mask: mask)
            while slots[at] >= 0 {
                let i = Int(slots[at]), n = names[i]
                if n.count == name.count && (n.count == 0 || memcmp(n.baseAddress!, name.baseAddress!, n.count) == 0) { return i }
                at = (at + 1) & mask
            }
            return nil
        }
    }

    /// Whether `name` is in the table (an `indexed()` table).
    public func contains(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { firstIndex(of: $0) != nil }
    }

    /// 64-bit FNV-1a of the bytes, folded, masked to a slot.
    fileprivate static func slot(_ name: UnsafeBufferPointer<UInt8>, mask: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 32)) & mask
    }
}
