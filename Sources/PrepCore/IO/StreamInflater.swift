import Foundation
import CLazyLibs
import CZlib

/// Inflates one zlib-format stream (header, deflate data, adler32 trailer) piece by piece: with
/// ISA-L (`libisal2`, loaded on first use) when it is installed, about 1.8× zlib's speed on
/// SynthText's `gt.mat` (whose inflating is most of what a `--shard` of it costs), else with zlib.
/// Both check the same things, the trailer's checksum included; the output is the same bytes.
public final class StreamInflater {
    /// Which library inflates.
    public enum Backend: Sendable { case isal, zlib }

    /// `PREP_INFLATE=zlib` (or a test) turns ISA-L off.
    nonisolated(unsafe) public static var preferISAL = ProcessInfo.processInfo.environment["PREP_INFLATE"] != "zlib"

    public let backend: Backend
    private var isal: UnsafeMutableRawPointer?
    /// Heap-allocated: zlib keeps a pointer back to its stream.
    private var zstream: UnsafeMutablePointer<z_stream>?

    /// A new stream; nil only when zlib itself cannot start (out of memory).
    public init?() {
        if Self.preferISAL, let s = prep_isal_inflate_new() {
            isal = s
            backend = .isal
            return
        }
        let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        z.initialize(to: z_stream())
        guard inflateInit_(z, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            z.deallocate()
            return nil
        }
        zstream = z
        backend = .zlib
    }

    deinit {
        if let isal { prep_isal_inflate_free(isal) }
        if let z = zstream { inflateEnd(z); z.deallocate() }
    }

    /// Damaged data: what the library said.
    public struct Damage: Error, CustomStringConvertible {
        public var description: String
    }

    /// Inflates what it can of `input` into `output`: how much of each it used, and whether the
    /// stream has ended (its checksum matched). Throws `Damage` on damaged data.
    public func inflate(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) throws
        -> (consumed: Int, produced: Int, ended: Bool) {
        if let isal {
            var used: UInt32 = 0, made: UInt32 = 0
            let rc = prep_isal_inflate(isal, input.baseAddress, UInt32(input.count), output.baseAddress, UInt32(output.count), &used, &made)
            guard rc >= 0 else { throw Damage(description: "ISA-L: " + Self.isalMessage(rc)) }
            return (Int(used), Int(made), rc == 1)
        }
        let z = zstream!
        z.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        z.pointee.avail_in = UInt32(input.count)
        z.pointee.next_out = output.baseAddress
        z.pointee.avail_out = UInt32(output.count)
        let rc = CZlib.inflate(z, Z_NO_FLUSH)
        let consumed = input.count - Int(z.pointee.avail_in), produced = output.count - Int(z.pointee.avail_out)
        switch rc {
        case Z_STREAM_END: return (consumed, produced, true)
        case Z_OK, Z_BUF_ERROR: return (consumed, produced, false)
        default: throw Damage(description: "zlib: " + (z.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"))
        }
    }

    private static func isalMessage(_ rc: Int32) -> String {
        switch rc {
        case -1: return "invalid block"
        case -2: return "invalid symbol"
        case -3: return "invalid distance too far back"
        case -4: return "incorrect header check"
        case -5: return "unknown compression method"
        case -6: return "incorrect data check"
        case -100: return "a preset dictionary is needed"
        default: return "error \(rc)"
        }
    }
}
