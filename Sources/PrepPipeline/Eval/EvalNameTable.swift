/// Image names → the position each was first added at, for pairing a million names.
///
/// Open addressing that keeps each name's hash beside its slot, so a probe compares two strings
/// only when their hashes agree. Swift's `Dictionary<String, Int>` compares the strings at every
/// probe it makes, and on a million names each comparison is a cache miss into a string's
/// storage; pairing 1,000,000 recognition labels spent more time there than in the metric.
struct EvalNameTable {
    /// Eight bytes, so a million names fit in a 16 MB table.
    private struct Slot {
        /// The name's hash, high 32 bits (the low bits chose the slot).
        var tag: UInt32
        /// Index into `names` + 1; 0 marks an empty slot.
        var entry: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    private var names: [String] = []
    private var positions: [Int] = []

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [Slot](repeating: Slot(tag: 0, entry: 0), count: size)
        mask = size - 1
        names.reserveCapacity(capacity)
        positions.reserveCapacity(capacity)
    }

    /// The hash both `position(of:)` and `insert` take (computed once per name by the caller,
    /// who often looks the same name up in two tables).
    static func hash(_ name: String) -> Int { name.hashValue }

    private static func tag(_ hash: Int) -> UInt32 { UInt32(truncatingIfNeeded: UInt(bitPattern: hash) >> 32) }

    /// The position stored for `name`, or nil.
    func position(of name: String, hash: Int) -> Int? {
        let tag = Self.tag(hash)
        var s = hash & mask
        while true {
            let slot = slots[s]
            if slot.entry == 0 { return nil }
            let e = Int(slot.entry) - 1
            if slot.tag == tag && names[e] == name { return positions[e] }
            s = (s + 1) & mask
        }
    }

    /// Adds `name` at `position` unless it is there already; returns the position it already had.
    @discardableResult
    mutating func insert(_ name: String, hash: Int, position: Int) -> Int? {
        if (names.count + 1) * 2 > slots.count { grow() }
        let tag = Self.tag(hash)
        var s = hash & mask
        while true {
            let slot = slots[s]
            if slot.entry == 0 { break }
            let e = Int(slot.entry) - 1
            if slot.tag == tag && names[e] == name { return positions[e] }
            s = (s + 1) & mask
        }
        names.append(name)
        positions.append(position)
        slots[s] = Slot(tag: tag, entry: Int32(names.count))
        return nil
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(tag: 0, entry: 0), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.entry != 0 {
            var s = Self.hash(names[Int(slot.entry) - 1]) & mask
            while slots[s].entry != 0 { s = (s + 1) & mask }
            slots[s] = slot
        }
    }
}
