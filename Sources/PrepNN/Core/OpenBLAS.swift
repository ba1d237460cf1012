#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// OpenBLAS, loaded with `dlopen` on the engine's first use rather than linked. A linked OpenBLAS
/// starts its thread pool while the process starts — in every command, dataset conversions
/// included — and those threads spin (`sched_yield`) for a while waiting for work: on a det
/// conversion that was a second core busy for the whole run. Only the four functions the engine
/// calls are resolved; the CBLAS enum values are the standard ones (cblas.h).
public enum OpenBLAS {
    typealias Sgemm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias Sgemv = @convention(c) (Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?

    static let rowMajor: Int32 = 101, noTrans: Int32 = 111, trans: Int32 = 112

    struct Functions {
        let sgemm: Sgemm
        let sgemv: Sgemv
        let setThreads: SetThreads
        let coreName: CoreName
    }

    /// Loaded once, on first use (Swift initialises globals thread-safely).
    static let functions: Functions = load()

    private static func load() -> Functions {
        let names = ["libopenblas.so.0", "libopenblas.so", "libopenblas.0.dylib", "libopenblas.dylib"]
        guard let handle = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else {
            let why = dlerror().map { String(cString: $0) } ?? "not found"
            fputs("prep: error: the engine needs OpenBLAS, which could not be loaded (\(why)): install it (Debian/Ubuntu: apt-get install libopenblas0)\n", stderr)
            exit(1)
        }
        func symbol<T>(_ name: String, _ type: T.Type) -> T {
            guard let p = dlsym(handle, name) else {
                fputs("prep: error: the OpenBLAS found lacks \(name)\n", stderr)
                exit(1)
            }
            return unsafeBitCast(p, to: type)
        }
        return Functions(sgemm: symbol("cblas_sgemm", Sgemm.self), sgemv: symbol("cblas_sgemv", Sgemv.self),
                         setThreads: symbol("openblas_set_num_threads", SetThreads.self),
                         coreName: symbol("openblas_get_corename", CoreName.self))
    }

    /// OpenBLAS's own thread count (the engine keeps it at 1: `Threads.set`).
    public static func setThreads(_ n: Int) { functions.setThreads(Int32(n)) }
}
