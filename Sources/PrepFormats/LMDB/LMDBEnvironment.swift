import Foundation
import CLMDB
import PrepCore

/// One LMDB database (the default unnamed one) opened either to read or to build.
///
/// Reading never takes a lock and never writes (as MMOCR's reader opens it: `lock=False`), so an
/// LMDB on a read-only medium opens. Before LMDB maps the file, its size is checked against the
/// last page the meta page claims, because reading a page beyond the end of a cut `data.mdb`
/// would kill the process with SIGBUS instead of returning an error.
///
/// Building starts with a small map and doubles it whenever LMDB reports the map full (the
/// batch is retried), so no 1 TiB reservation is needed and `data.mdb` is only as large as the
/// pages in use. Commits are not fsynced one by one (`MDB_NOSYNC`); `finish()` syncs once, which
/// is safe because the database is built in a staging folder and renamed into place afterwards.
public final class LMDBEnvironment: @unchecked Sendable {
    private let env: OpaquePointer
    /// The LMDB directory (or the `.mdb` file for a single-file database).
    public let path: URL
    private let dataFile: URL
    public let readOnly: Bool
    public private(set) var mapSize: Int
    private var closed = false

    /// Opens an existing database read-only. `path` is the directory holding `data.mdb` or a
    /// `.mdb` file itself.
    public init(readingAt path: URL) throws {
        self.path = path
        readOnly = true
        mapSize = 0
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDir) else {
            throw PrepError.io(path: path.path, reason: "no such LMDB (directory or data.mdb)")
        }
        var flags = UInt32(MDB_RDONLY | MDB_NOLOCK | MDB_NORDAHEAD)
        if isDir.boolValue {
            dataFile = path.appendingPathComponent("data.mdb")
        } else {
            dataFile = path
            flags |= UInt32(MDB_NOSUBDIR)
        }
        let size = try LMDBEnvironment.fileSize(dataFile)
        // Two meta pages of at least 4 KiB are the smallest database LMDB writes.
        guard size >= 8192 else {
            throw PrepError.input(file: dataFile.path, line: nil,
                                  reason: "not an LMDB database: \(size) bytes (a valid data.mdb holds at least two 4096-byte meta pages)")
        }
        try LMDBEnvironment.checkPages(dataFile, size: size)
        env = try LMDBEnvironment.create()
        do {
            try LMDBEnvironment.check(mdb_env_open(env, path.path, flags, 0o644), dataFile.path, "cannot open")
            var info = MDB_envinfo()
            var stat = MDB_stat()
            try LMDBEnvironment.check(mdb_env_info(env, &info), dataFile.path, "cannot read the environment info")
            try LMDBEnvironment.check(mdb_env_stat(env, &stat), dataFile.path, "cannot read the database statistics")
            let needed = (info.me_last_pgno + 1) * Int(stat.ms_psize)
            if needed > size {
                throw PrepError.input(file: dataFile.path, line: nil,
                                      reason: "damaged LMDB: the file is cut short (\(size) bytes, its last page ends at byte \(needed))")
            }
            mapSize = info.me_mapsize
        } catch {
            mdb_env_close(env)
            closed = true
            throw error
        }
    }

    /// Creates a database in the existing, empty directory `path` for writing.
    public init(buildingAt path: URL, initialMapSize: Int = 64 << 20) throws {
        self.path = path
        dataFile = path.appendingPathComponent("data.mdb")
        readOnly = false
        mapSize = initialMapSize
        env = try LMDBEnvironment.create()
        do {
            try LMDBEnvironment.check(mdb_env_set_mapsize(env, initialMapSize), path.path, "cannot set the map size")
            try LMDBEnvironment.check(mdb_env_open(env, path.path, UInt32(MDB_NOSYNC), 0o644), path.path, "cannot create the LMDB")
        } catch {
            mdb_env_close(env)
            closed = true
            throw error
        }
    }

    deinit { close() }

    /// Closes the environment (idempotent).
    public func close() {
        if closed { return }
        closed = true
        mdb_env_close(env)
    }

    private static func create() throws -> OpaquePointer {
        var e: OpaquePointer?
        let rc = mdb_env_create(&e)
        guard rc == 0, let e else { throw PrepError.failed("LMDB: cannot create an environment: \(message(rc))") }
        return e
    }

    /// Walks the pages liblmdb will follow (`LMDBPageCheck`) before it maps the file.
    static func checkPages(_ url: URL, size: Int) throws {
        let fd = try FileBytes.openInput(url).fd
        defer { Foundation.close(fd) }
        try LMDBPageCheck.check(file: url.path, fd: fd, fileSize: size)
    }

    /// The size of a file in bytes (throws when it does not exist).
    public static func fileSize(_ url: URL) throws -> Int {
        var st = stat()
        guard stat(url.path, &st) == 0 else { throw PrepError.io(path: url.path, reason: "no data.mdb: not an LMDB database") }
        return Int(st.st_size)
    }

    static func message(_ rc: Int32) -> String { String(cString: mdb_strerror(rc)) }

    static func check(_ rc: Int32, _ file: String, _ what: String) throws {
        guard rc != 0 else { return }
        let m = message(rc)
        switch rc {
        case MDB_INVALID, MDB_VERSION_MISMATCH:
            throw PrepError.input(file: file, line: nil, reason: "not an LMDB database (\(m))")
        case MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_BAD_TXN:
            throw PrepError.input(file: file, line: nil, reason: "damaged LMDB: \(what): \(m)")
        default:
            throw PrepError.io(path: file, reason: "LMDB: \(what): \(m)")
        }
    }

    // MARK: reading

    /// A read-only view of the database inside one read transaction; values handed out are
    /// copies, valid after the transaction ends.
    public struct Reader {
        fileprivate let txn: OpaquePointer
        fileprivate let dbi: MDB_dbi
        fileprivate let file: String

        /// The value stored under `key`, or nil when the key is absent.
        public func get(_ key: [UInt8]) throws -> [UInt8]? {
            var k = key
            return try k.withUnsafeMutableBytes { kb in
                var kv = MDB_val(mv_size: kb.count, mv_data: kb.baseAddress)
                var v = MDB_val()
                let rc = mdb_get(txn, dbi, &kv, &v)
                if rc == MDB_NOTFOUND { return nil }
                try LMDBEnvironment.check(rc, file, "cannot read key '\(String(decoding: key, as: UTF8.self))'")
                guard v.mv_size == 0 || v.mv_data != nil else { return [] }
                return Array(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
            }
        }

        public func get(_ key: String) throws -> [UInt8]? { try get(Array(key.utf8)) }

        /// Every key and value in key order; `body` returns false to stop.
        public func forEach(_ body: ([UInt8], [UInt8]) throws -> Bool) throws {
            var cursor: OpaquePointer?
            try LMDBEnvironment.check(mdb_cursor_open(txn, dbi, &cursor), file, "cannot open a cursor")
            defer { mdb_cursor_close(cursor) }
            var k = MDB_val(), v = MDB_val()
            var op = MDB_FIRST
            while true {
                let rc = mdb_cursor_get(cursor, &k, &v, op)
                if rc == MDB_NOTFOUND { return }
                try LMDBEnvironment.check(rc, file, "cannot iterate")
                let key = Array(UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size))
                let value = Array(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
                if try !body(key, value) { return }
                op = MDB_NEXT
            }
        }

        /// What a `walk` does after an entry.
        public enum WalkStep { case next, stop, seek([UInt8]) }

        /// Walks the entries in key order from the first key ≥ `start` (one cursor: no tree
        /// search per key); `body` gets views of the key and value, valid during the call (in a
        /// read-only environment they point into the map, valid while it stays open and the file
        /// unchanged: `LMDBValue`), and says whether to go on to the next entry, stop, or jump to
        /// the first key ≥ a key.
        public func walk(from start: [UInt8], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> WalkStep) throws {
            var cursor: OpaquePointer?
            try LMDBEnvironment.check(mdb_cursor_open(txn, dbi, &cursor), file, "cannot open a cursor")
            defer { mdb_cursor_close(cursor) }
            var target = start
            var op = MDB_SET_RANGE
            while true {
                var v = MDB_val()
                let (rc, step) = try target.withUnsafeMutableBytes { tb -> (Int32, WalkStep) in
                    var k = MDB_val(mv_size: tb.count, mv_data: tb.baseAddress)
                    let rc = mdb_cursor_get(cursor, &k, &v, op)
                    if rc != 0 { return (rc, .stop) }
                    return (0, try body(UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size), UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)))
                }
                if rc == MDB_NOTFOUND { return }
                try LMDBEnvironment.check(rc, file, "cannot iterate")
                switch step {
                case .stop: return
                case .next: op = MDB_NEXT
                case let .seek(key): target = key; op = MDB_SET_RANGE
                }
            }
        }

        /// The number of entries.
        public func count() throws -> Int {
            var st = MDB_stat()
            try LMDBEnvironment.check(mdb_stat(txn, dbi, &st), file, "cannot read the statistics")
            return st.ms_entries
        }
    }

    /// Runs `body` inside one read transaction.
    public func read<T>(_ body: (Reader) throws -> T) throws -> T {
        var txn: OpaquePointer?
        try LMDBEnvironment.check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn), dataFile.path, "cannot begin a read transaction")
        defer { mdb_txn_abort(txn) }
        var dbi = MDB_dbi()
        try LMDBEnvironment.check(mdb_dbi_open(txn, nil, 0, &dbi), dataFile.path, "cannot open the database")
        return try body(Reader(txn: txn!, dbi: dbi, file: dataFile.path))
    }

    // MARK: writing

    /// Puts `pairs` (overwriting equal keys) in one write transaction. When the map is full the
    /// transaction is dropped, the map doubled and the batch written again. `append`: the keys
    /// ascend and follow every key in the database, so LMDB appends them (`MDB_APPEND`: no
    /// search, pages filled instead of split in half); LMDB refuses a key out of order.
    public func write(_ pairs: [(key: [UInt8], value: [UInt8])], append: Bool = false) throws {
        try write(values: pairs.map { ($0.key, .owned($0.value)) }, append: append)
    }

    /// `write(_:append:)` with values that may be views of bytes kept alive elsewhere
    /// (`LMDBValue.borrowed`): LMDB copies them into its pages, so a merge passes its shards'
    /// mapped values through without a copy of its own.
    public func write(values pairs: [(key: [UInt8], value: LMDBValue)], append: Bool = false) throws {
        precondition(!readOnly)
        while true {
            let rc = writeOnce(pairs, flags: append ? UInt32(MDB_APPEND) : 0)
            if rc == 0 { releaseMappedPages(); return }
            if rc == MDB_MAP_FULL {
                let grown = mapSize * 2
                try LMDBEnvironment.check(mdb_env_set_mapsize(env, grown), path.path, "cannot grow the map")
                mapSize = grown
                continue
            }
            try LMDBEnvironment.check(rc, path.path, "cannot write")
        }
    }

    /// Every transaction copies the pages on its path to new places, and the next one reads
    /// them through the map: left alone, those clean file pages pile up in the process's resident
    /// set (over 100 MB for a 7M-line label file) though nothing needs them. Between transactions
    /// no pointer into the map is alive, so they can be dropped from the mapping (they stay in
    /// the page cache).
    private func releaseMappedPages() {
        commits += 1
        guard commits % 8 == 0 else { return }
        dropMappedPages()
    }

    /// Drops the map's clean pages from the resident set now (they stay in the page cache): a
    /// reader streaming a large database (`prep merge`) calls it between read transactions.
    public func dropMappedPages() {
        // Looked up once per map size: the mapping's length is the map size rounded to pages,
        // so it is keyed by the map size it was found for (parsing /proc/self/maps on every call
        // was a quarter of a det merge's instructions).
        if mappedFor != mapSize { mappedRegion = findMapping(); mappedFor = mapSize }
        guard let region = mappedRegion else { return }
        _ = madvise(region.base, region.size, MADV_DONTNEED)
    }

    /// Where LMDB mapped data.mdb. `mdb_env_info` only reports a fixed map's address, so it is
    /// looked up in /proc/self/maps (Linux); elsewhere nothing is released.
    private func findMapping() -> (base: UnsafeMutableRawPointer, size: Int)? {
        guard let real = realpath(dataFile.path, nil) else { return nil }
        let target = String(cString: real)
        free(real)
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return nil }
        for line in maps.split(separator: "\n") where line.hasSuffix(" " + target) {
            let range = line.prefix(while: { $0 != " " }).split(separator: "-")
            guard range.count == 2, let lo = UInt(range[0], radix: 16), let hi = UInt(range[1], radix: 16),
                  let base = UnsafeMutableRawPointer(bitPattern: lo) else { continue }
            return (base, Int(hi - lo))
        }
        return nil
    }

    private var mappedRegion: (base: UnsafeMutableRawPointer, size: Int)?
    /// The map size `mappedRegion` was looked up for (-1: not yet).
    private var mappedFor = -1
    private var commits = 0

    private func writeOnce(_ pairs: [(key: [UInt8], value: LMDBValue)], flags: UInt32) -> Int32 {
        var txn: OpaquePointer?
        var rc = mdb_txn_begin(env, nil, 0, &txn)
        if rc != 0 { return rc }
        var dbi = MDB_dbi()
        rc = mdb_dbi_open(txn, nil, 0, &dbi)
        if rc != 0 { mdb_txn_abort(txn); return rc }
        for (key, value) in pairs {
            // LMDB copies both buffers and never writes through them (no MDB_RESERVE), so
            // handing it the arrays' own storage avoids a copy per record.
            rc = key.withUnsafeBytes { kb in
                value.withBytes { vb in
                    var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
                    var v = MDB_val(mv_size: vb.count, mv_data: UnsafeMutableRawPointer(mutating: vb.baseAddress))
                    return mdb_put(txn, dbi, &k, &v, flags)
                }
            }
            if rc != 0 { mdb_txn_abort(txn); return rc }
        }
        return mdb_txn_commit(txn)
    }

    /// Flushes everything to disk and closes the environment.
    public func finish() throws {
        precondition(!readOnly)
        try LMDBEnvironment.check(mdb_env_sync(env, 1), path.path, "cannot sync")
        close()
    }
}

/// A value to put into an LMDB: bytes the batch owns, or a view of bytes that whoever made it
/// keeps alive and unchanged until the write that puts it has returned. `prep merge` borrows its
/// shards' values: a read-only environment hands out pointers into its map of `data.mdb`, which
/// stays mapped until the environment is closed and holds the same bytes while nothing writes
/// the file (dropping the mapped pages, `dropMappedPages`, only makes the next access read them
/// from the page cache again), so the merge keeps its shard readers open until the writer has
/// finished and copies every value once, into LMDB's pages, instead of twice.
public enum LMDBValue: @unchecked Sendable {
    case owned([UInt8])
    case borrowed(UnsafeRawBufferPointer)

    /// Runs `body` with a view of the bytes.
    @inline(__always)
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case let .owned(bytes): return try bytes.withUnsafeBytes(body)
        case let .borrowed(view): return try body(view)
        }
    }
}
