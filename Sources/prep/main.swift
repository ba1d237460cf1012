import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline
import PrepModels

// Remove staged (half-written) outputs if the user interrupts the run.
signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
let interruptSources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
    let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
    source.setEventHandler {
        // A training run stops by itself at the next step and saves a resumable checkpoint.
        if StopSignal.shared.request() {
            FileHandle.standardError.write("\nprep: stopping after this step and saving a checkpoint (Ctrl-C again to quit at once)\n".data(using: .utf8)!)
            return
        }
        StagingRegistry.shared.removeAll()
        FileHandle.standardError.write("\nprep: interrupted; earlier outputs are unchanged\n".data(using: .utf8)!)
        // _exit, not exit: exit's handlers (OpenBLAS frees its buffers) would run under a GEMM
        // still computing on another thread and crash the process instead of ending it.
        _exit(130)
    }
    source.resume()
    return source
}

exit(CLI.main(Array(CommandLine.arguments.dropFirst())))
