import Foundation
import PrepCore

/// A checked walk of an LMDB file's meta pages and of every branch and leaf page of its main
/// tree, done with `pread` before liblmdb maps the file.
///
/// liblmdb trusts page headers: a `mp_lower` of 0xffff or a root page number of 0xffffffff sends
/// it reading outside the page or the map, and the process dies with SIGBUS or SIGSEGV (a copy
/// cut or damaged on a flaky network looks like that). `MDB_PAGE_CHECK` is not in Debian's build
/// and `mdb_env_copy` reads through the same unchecked code, and reading in a child process would
/// double the work (the parent reads again afterwards) and leave in-process readers unprotected;
/// so every page liblmdb will follow is checked here, once per open, against the file size and
/// the page size: page numbers inside the file, the header naming its own page, known flags,
/// `PAGEHDRSZ ≤ mp_lower ≤ mp_upper ≤ page size`, each node inside its page, branch children
/// inside the file and one level down, overflow values (read from the leaf, never their pages:
/// an image LMDB has one per record) inside the file. The cost is one `pread` per branch or leaf
/// page, a small part of a recognition LMDB whose images sit on overflow pages.
///
/// The layout is liblmdb 0.9's on 64-bit machines (`pgno_t` and `size_t` of 8 bytes).
struct LMDBPageCheck {
    static let headerSize = 16
    static let nodeSize = 8
    static let magic: UInt32 = 0xBEEF_C0DE
    // Page flags (mdb.c).
    static let branch: UInt16 = 0x01, leaf: UInt16 = 0x02, overflow: UInt16 = 0x04, meta: UInt16 = 0x08, leaf2: UInt16 = 0x20
    // Node flags.
    static let bigData: UInt16 = 0x01, subData: UInt16 = 0x02, dupData: UInt16 = 0x04

    let file: String
    let fd: Int32
    let fileSize: Int
    private(set) var pageSize = 4096
    private(set) var lastPage = 0
    /// Whether the main database holds sorted duplicates (`MDB_DUPSORT`); prep's never do.
    private(set) var dupSort = false

    /// Checks `file` (an open descriptor of `fileSize` bytes); throws "damaged LMDB: page N: …".
    static func check(file: String, fd: Int32, fileSize: Int) throws {
        var c = LMDBPageCheck(file: file, fd: fd, fileSize: fileSize)
        try c.run()
    }

    private func damaged(_ page: Int, _ why: String) -> PrepError {
        .input(file: file, line: nil, reason: "damaged LMDB: page \(page): \(why)")
    }

    private func read(_ page: Int, size: Int) throws -> [UInt8] {
        let offset = page * pageSize
        guard page >= 0, offset + size <= fileSize else { throw damaged(page, "lies beyond the end of the file (\(fileSize) bytes)") }
        var got = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            while got < size {
                let n = pread(fd, buf.baseAddress! + got, size - got, off_t(offset + got))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                got += n
            }
            count = got
        }
        guard got == size else { throw PrepError.io(path: file, reason: "cannot read page \(page)") }
        return bytes
    }

    private static func u16(_ b: [UInt8], _ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ o: Int) -> Int { u16(b, o) | u16(b, o + 2) << 16 }
    private static func u64(_ b: [UInt8], _ o: Int) -> UInt64 { UInt64(u32(b, o)) | UInt64(u32(b, o + 4)) << 32 }

    /// A page number read from the file, as an Int when it lies inside the file.
    private func pageNumber(_ v: UInt64, at page: Int, _ what: String) throws -> Int {
        guard v <= UInt64(lastPage) else { throw damaged(page, "\(what) \(v) lies beyond the last page \(lastPage)") }
        return Int(v)
    }

    private mutating func run() throws {
        // Meta pages: liblmdb reads both, then uses the one with the greater transaction id.
        let first = try read(0, size: min(fileSize, 4096))
        let psize = Self.u32(first, 40)
        guard first.count >= 136, Self.u32(first, 16) == Self.magic else {
            throw PrepError.input(file: file, line: nil, reason: "not an LMDB database (page 0 has no LMDB magic number)")
        }
        guard (512...65536).contains(psize), psize & (psize - 1) == 0 else { throw damaged(0, "page size \(psize) is not a power of two from 512 to 65536") }
        pageSize = psize
        guard fileSize >= 2 * psize else { throw damaged(1, "the file (\(fileSize) bytes) ends before the second meta page") }
        var metas: [(page: Int, root: UInt64, depth: Int, txn: UInt64, last: UInt64, flags: Int)] = []
        for m in 0..<2 {
            let b = try read(m, size: psize)
            guard Self.u32(b, 16) == Self.magic else { throw damaged(m, "not an LMDB meta page (magic)") }
            guard Self.u32(b, 20) == 1 else { throw damaged(m, "unknown LMDB data version \(Self.u32(b, 20))") }
            guard Self.u16(b, 10) & Int(Self.meta) != 0 else { throw damaged(m, "a meta page without the meta flag") }
            guard Self.u32(b, 40) == psize else { throw damaged(m, "page size \(Self.u32(b, 40)) differs from the first meta page's \(psize)") }
            let last = Self.u64(b, 136)
            guard last >= 1 else { throw damaged(m, "last page \(last) is a meta page") }
            guard last < UInt64(fileSize / psize) else {
                // A plausible last page past the end: a copy cut short; else a damaged field.
                if last < 1 << 32 {
                    throw PrepError.input(file: file, line: nil,
                                          reason: "damaged LMDB: the file is cut short (\(fileSize) bytes, its last page ends at byte \((last + 1) * UInt64(psize)))")
                }
                throw damaged(m, "last page \(last) lies beyond the end of the file (\(fileSize / psize) pages of \(psize) bytes)")
            }
            metas.append((m, Self.u64(b, 88 + 40), Self.u16(b, 88 + 6), Self.u64(b, 144), last, Self.u16(b, 88 + 4)))
        }
        let chosen = metas[metas[0].txn < metas[1].txn ? 1 : 0]
        lastPage = Int(chosen.last)
        dupSort = chosen.flags & 0x04 != 0
        if chosen.root == UInt64.max { return }   // an empty database
        let root = try pageNumber(chosen.root, at: chosen.page, "the root page")
        guard (1...32).contains(chosen.depth) else { throw damaged(chosen.page, "tree depth \(chosen.depth) is not from 1 to 32") }
        try walk(root, level: 1, depth: chosen.depth)
    }

    /// Checks `page` at `level` (1 = root) of a tree `depth` levels deep, then its children.
    private func walk(_ page: Int, level: Int, depth: Int) throws {
        guard page >= 2 else { throw damaged(page, "a tree page that is a meta page") }
        let b = try read(page, size: pageSize)
        guard Self.u64(b, 0) == UInt64(page) else { throw damaged(page, "its header names page \(Self.u64(b, 0))") }
        let flags = UInt16(Self.u16(b, 10))
        let isLeaf = flags & Self.leaf != 0, isBranch = flags & Self.branch != 0
        guard isLeaf != isBranch, flags & (Self.overflow | Self.meta | Self.leaf2) == 0 else {
            throw damaged(page, String(format: "flags 0x%04x are not a branch or leaf page", flags))
        }
        guard isLeaf == (level == depth) else {
            throw damaged(page, "a \(isLeaf ? "leaf" : "branch") page at level \(level) of a tree \(depth) levels deep")
        }
        let lower = Self.u16(b, 12), upper = Self.u16(b, 14)
        guard lower >= Self.headerSize, lower <= upper, upper <= pageSize, (lower - Self.headerSize) % 2 == 0 else {
            throw damaged(page, "bounds mp_lower \(lower), mp_upper \(upper) do not fit a \(pageSize)-byte page")
        }
        let keys = (lower - Self.headerSize) / 2
        guard keys > 0 || level == 1 else { throw damaged(page, "an empty \(isLeaf ? "leaf" : "branch") page inside the tree") }
        for k in 0..<keys {
            let at = Self.u16(b, Self.headerSize + 2 * k)
            guard at >= upper, at + Self.nodeSize <= pageSize else { throw damaged(page, "node \(k) at offset \(at) lies outside the page's nodes") }
            let lo = Self.u16(b, at), hi = Self.u16(b, at + 2), nodeFlags = UInt16(Self.u16(b, at + 4)), keySize = Self.u16(b, at + 6)
            guard at + Self.nodeSize + keySize <= pageSize else { throw damaged(page, "node \(k)'s key runs past the page") }
            if isBranch {
                let child = UInt64(lo) | UInt64(hi) << 16 | UInt64(nodeFlags) << 32
                try walk(try pageNumber(child, at: page, "child \(k)"), level: level + 1, depth: depth)
                continue
            }
            let dataSize = lo | hi << 16
            let dataAt = at + Self.nodeSize + keySize
            // liblmdb follows a duplicate-data node into a sub-database cursor that a database
            // without MDB_DUPSORT does not have (a null pointer).
            guard nodeFlags & ~(Self.bigData | Self.subData | Self.dupData) == 0 else {
                throw damaged(page, String(format: "node \(k) has unknown flags 0x%04x", nodeFlags))
            }
            if nodeFlags & Self.dupData != 0 {
                guard dupSort else { throw damaged(page, "node \(k) is marked as duplicates in a database without duplicates") }
                continue   // sub-pages of sorted duplicates are not walked (no prep LMDB has them)
            }
            if nodeFlags & Self.bigData != 0 {
                guard dataAt + 8 <= pageSize else { throw damaged(page, "node \(k)'s overflow page number runs past the page") }
                let first = try pageNumber(Self.u64(b, dataAt), at: page, "node \(k)'s overflow page")
                guard first >= 2, first * pageSize + Self.headerSize + dataSize <= (lastPage + 1) * pageSize else {
                    throw damaged(page, "node \(k)'s \(dataSize)-byte value on page \(first) runs past the last page \(lastPage)")
                }
            } else {
                guard dataAt + dataSize <= pageSize else { throw damaged(page, "node \(k)'s \(dataSize)-byte value runs past the page") }
            }
        }
    }
}
