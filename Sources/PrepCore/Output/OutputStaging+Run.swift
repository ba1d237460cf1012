import Foundation

extension OutputStaging {
    /// Stages outputs into `directory` while `body` runs: everything is committed when it
    /// returns, discarded when it throws. Under `strict`, any skipped item in `report` fails the
    /// run before the commit, so nothing is written.
    public static func writing(into directory: URL, strict: Bool, report: RunReport,
                               _ body: (OutputStaging) throws -> Void) throws {
        let staging = try OutputStaging(directory: directory)
        do {
            try body(staging)
            if strict && report.skippedCount > 0 {
                throw PrepError.failed("--strict: \(report.skippedCount) item(s) skipped; no output was written")
            }
            try report.requireWritten()
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
    }
}
