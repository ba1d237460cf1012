import Foundation
import PrepNN

/// TEST ONLY — not a user setting. With `PREP_TEST_HOLD_STEP=N` in the environment, training
/// step N never ends: the training thread prints `prep: test hold at step N` on stderr and then
/// runs GEMMs (on it and one more thread) until the process ends. That makes the race behind
/// `main.swift`'s second Ctrl-C deterministic for `TrainRecogCommandTests`:
///
/// - the first SIGINT asks the run to stop after this step, which never comes, so the run
///   folder keeps the checkpoint saved before the held step;
/// - the second SIGINT must end the process at once with `_exit(130)`. `exit()` would run the
///   process's exit handlers while the GEMMs run; OpenBLAS's handler then frees its buffers
///   under them, which crashes or hangs only sometimes. To turn "sometimes" into "always", the
///   hold registers an exit handler of its own that aborts, as OpenBLAS's might: with `exit()`
///   the process dies of SIGABRT, with `_exit()` it ends with 130.
enum TrainingTestHold {
    static let step: Int? = ProcessInfo.processInfo.environment["PREP_TEST_HOLD_STEP"].flatMap { Int($0) }

    /// Holds forever when `step` is the one named by `PREP_TEST_HOLD_STEP`; returns at once otherwise.
    static func holdIfAsked(step: Int) {
        guard let held = Self.step, held == step else { return }
        atexit {
            fputs("prep: test hold: an exit handler ran while a step was computing\n", stderr)
            abort()
        }
        let helper = Thread { gemmForever() }
        helper.start()
        fputs("prep: test hold at step \(step)\n", stderr)
        gemmForever()
    }

    private static func gemmForever() -> Never {
        let n = 256
        let a = [Float](repeating: 0.5, count: n * n), b = a
        var c = [Float](repeating: 0, count: n * n)
        while true {
            sgemm(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n)
        }
    }
}
