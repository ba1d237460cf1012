import Foundation

/// One part of a deterministic partition of a dataset's images into `count` shards
/// (`--shard I/N`, `I` from 0): an image belongs to shard `mix(hash(key)) mod N`, where the key is
/// the image's path relative to the dataset root, the hash is 64-bit FNV-1a over its UTF-8 bytes
/// and `mix` is SplitMix64's finalizer. The hash is stable across runs, machines and Swift
/// versions (unlike `Hasher`, seeded per process), so a shard's content depends neither on which
/// other files exist nor on listing order. Everything cut from one image (its crops) follows the
/// image.
///
/// Why the finalizer: FNV-1a multiplies by an odd number, so its low k bits depend only on the
/// low k bits of each byte, and `hash mod 2^k` sorted `img_N.jpg` by the low bits of N's digits.
/// Work that follows the numbering (a generated set cycling through 200 page templates) then
/// landed unevenly: 4 shards of 20,000 pages, 5,000 pages each, took 107–128 ms of CPU.
///
/// This is the one place commands consult: each runner enumerates its items as the unsharded
/// run would, then keeps `select(_:key:)`'s share with every item's position in that
/// enumeration (what `prep merge` restores the unsharded order from).
public struct Shard: Sendable, Equatable, Codable, CustomStringConvertible {
    /// 0-based index of this shard.
    public let index: Int
    /// Number of shards.
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw PrepError.usage("--shard I/N: N must be at least 1 (got \(count))") }
        guard index >= 0 && index < count else {
            throw PrepError.usage("--shard I/N: I must be in 0…\(count - 1) (got \(index); shards count from 0)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (`3/8`: the fourth of eight shards).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw PrepError.usage("--shard takes I/N, e.g. 0/4 (got '\(text)')")
        }
        try self.init(index: i, count: n)
    }

    /// The shard named by environment variables: `spec` is `VAR_I,VAR_N` (Slurm:
    /// `SLURM_ARRAY_TASK_ID,SLURM_ARRAY_TASK_COUNT`) or `VAR_I` alone with `count` given
    /// (Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` and `--shard-count`).
    public static func fromEnvironment(_ spec: String, count: Int?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard {
        let names = spec.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.count == 1 || names.count == 2, names.allSatisfy({ !$0.isEmpty }) else {
            throw PrepError.usage("--shard-from-env takes VAR_I,VAR_N or VAR_I (with --shard-count N), e.g. SLURM_ARRAY_TASK_ID,SLURM_ARRAY_TASK_COUNT")
        }
        func value(_ name: String) throws -> Int {
            guard let raw = environment[name] else { throw PrepError.usage("--shard-from-env: \(name) is not set") }
            guard let v = Int(raw.trimmingCharacters(in: .whitespaces)) else {
                throw PrepError.usage("--shard-from-env: \(name)='\(raw)' is not a whole number")
            }
            return v
        }
        let i = try value(names[0])
        if names.count == 2 {
            if count != nil { throw PrepError.usage("--shard-count and a second variable in --shard-from-env both give N; keep one") }
            return try Shard(index: i, count: try value(names[1]))
        }
        guard let count else { throw PrepError.usage("--shard-from-env \(names[0]) needs --shard-count N (or VAR_I,VAR_N)") }
        return try Shard(index: i, count: count)
    }

    /// 64-bit FNV-1a of the key's UTF-8 bytes.
    public static func hash(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { fnv1a($0, 0xcbf2_9ce4_8422_2325) }
    }

    /// FNV-1a continued over `bytes` from the state `h` (so a key's parts can be hashed in turn).
    @inline(__always) private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, _ h: UInt64) -> UInt64 {
        var h = h
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// Whether the item with `key` (a path relative to the dataset root) is this shard's.
    public func contains(_ key: String) -> Bool { owner(of: Self.hash(key)) == index }

    /// The shard of a key with FNV-1a hash `h`: the hash's bits mixed (SplitMix64's finalizer),
    /// then reduced mod N.
    @inline(__always) private func owner(of h: UInt64) -> Int {
        var z = h
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return Int(z % UInt64(count))
    }

    /// A folder's key with the hash of its bytes and a `/` taken once, for asking
    /// `contains(_:inFolder:)` about each name of its listing.
    public struct Folder: Sendable {
        public let key: String
        fileprivate let state: UInt64
        public init(key: String) {
            self.key = key
            var k = key
            var h = k.withUTF8 { Shard.fnv1a($0, 0xcbf2_9ce4_8422_2325) }
            if !key.isEmpty { h = (h ^ 0x2F) &* 0x0000_0100_0000_01b3 }
            state = h
        }
    }

    /// `contains(Shard.key(name, inFolder: folderKey))`, without making the key's String for a
    /// plain name: the hash runs over the folder's bytes, a `/` and the name's in turn (every
    /// shard asks this for every image of the listing, its own or not).
    public func contains(_ name: String, inFolder folderKey: String) -> Bool {
        var name = name
        return name.withUTF8 { contains($0, inFolder: Folder(key: folderKey)) }
    }

    /// The same for a name's UTF-8 bytes, the folder's part of the hash taken once.
    public func contains(_ name: UnsafeBufferPointer<UInt8>, inFolder folder: Folder) -> Bool {
        // The hash and `isPlain`'s checks in one pass over the bytes.
        var h = folder.state, check = PlainCheck()
        for b in name {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
            check.feed(b)
        }
        guard check.isPlain else {
            return contains(Self.key(String(decoding: name, as: UTF8.self), inFolder: folder.key))
        }
        return owner(of: h) == index
    }

    /// This shard's items, in their order, each with its position in `items` (the unsharded
    /// enumeration).
    public func select<T>(_ items: [T], key: (T) -> String) -> (items: [T], positions: [Int]) {
        var kept: [T] = [], positions: [Int] = []
        for (i, item) in items.enumerated() where contains(key(item)) {
            kept.append(item)
            positions.append(i)
        }
        return (kept, positions)
    }

    /// `path` relative to `root` (the hash key; "" for the root itself), or the path itself when
    /// it is not under it.
    public static func key(_ url: URL, root: URL) -> String {
        let p = url.standardizedFileURL.path, r = root.standardizedFileURL.path
        if p == r { return "" }
        return p.hasPrefix(r + "/") ? String(p.dropFirst(r.count + 1)) : p
    }

    /// The key of `name` (a relative path read from a listing or an annotation) inside the
    /// folder whose key is `folderKey`: `key(_:root:)` of the joined path, without building URLs
    /// (a gatherer asks it for every image of every shard's listing). Names with `.`, `..` or
    /// empty components go through the URLs, which normalize them.
    public static func key(_ name: String, inFolder folderKey: String) -> String {
        if isPlain(name) { return folderKey.isEmpty ? name : folderKey + "/" + name }
        let root = URL(fileURLWithPath: "/prep-shard-root", isDirectory: true)
        let folder = folderKey.hasPrefix("/") ? URL(fileURLWithPath: folderKey) : root.appendingPathComponent(folderKey)
        return key(folder.appendingPathComponent(name), root: root)
    }

    /// Whether every `/`-separated component of `name` is a real name (not empty, `.` or `..`).
    private static func isPlain(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { isPlain($0) }
    }

    private static func isPlain(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        var check = PlainCheck()
        for b in u { check.feed(b) }
        return check.isPlain
    }

    /// `isPlain` fed byte by byte (so a hash can run in the same pass).
    private struct PlainCheck {
        private var length = 0, dots = 0, bad = false
        @inline(__always) mutating func feed(_ b: UInt8) {
            if b == 0x2F {
                if length == 0 || (dots == length && length <= 2) { bad = true }
                length = 0; dots = 0
            } else {
                length += 1
                if b == 0x2E { dots += 1 }
            }
        }
        var isPlain: Bool { !bad && length > 0 && !(dots == length && length <= 2) }
    }

    public var description: String { "\(index)/\(count)" }
}

/// prep's version, recorded in shard manifests (shards of different versions are not merged).
public enum PrepVersion {
    /// Raised whenever shards of the previous build must not be merged with this one's (0.1.1: the
    /// partition's hash gained its finalizer, so the same image may now be in another shard).
    public static let current = "0.1.1"
}
