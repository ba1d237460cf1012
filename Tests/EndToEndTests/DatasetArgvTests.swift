import Foundation
import XCTest
import ArgumentParser
@testable import prep

/// `DatasetArgv` (the dataset command's arguments read without ArgumentParser) against
/// ArgumentParser itself: the same command wherever it reads the arguments, nil wherever it
/// cannot be sure, and no option of `DatasetCommand` unknown to it.
final class DatasetArgvTests: XCTestCase {
    /// Everything a command holds, its groups' arguments included (each property wrapper's
    /// parsed value).
    private func describe(_ command: DatasetCommand) -> String { String(describing: command) }

    private func argumentParser(_ args: [String]) throws -> DatasetCommand {
        DatasetCommand.parsingAlone = true
        defer { DatasetCommand.parsingAlone = false }
        return try XCTUnwrap(try DatasetCommand.parseAsRoot(args) as? DatasetCommand)
    }

    func testReadsAsArgumentParserDoes() throws {
        let cases: [[String]] = [
            ["--dataset=icdar2015", "/data/ic15"],
            ["--dataset=icdar2015", "/data/ic15", "--split-list", "training", "test", "--nproc", "1", "-o", "/tmp/out", "-q"],
            ["--dataset=totaltext", "--nproc", "2", "/r", "--strict", "--report", "r.json"],
            ["--dataset=icdar2015", "/r", "--split-list", "a", "b", "--task", "det", "recog", "-o", "/o", "--exif", "apply",
             "--preserve-vertical", "--vertical", "keep", "--warp", "--resize", "--width", "50", "--height", "20",
             "--val-ratio", "0.2", "--split-seed", "7", "--level", "line", "-n", "6", "--format", "txt", "--to", "mmocr1",
             "--coco-json", "--lmdb", "--from-det", "--images", "copy", "--emit-config", "cfg", "--obtain", "--from", "dl",
             "--keep-archives", "--jobs", "3", "--mirror", "http://m", "--proxy", "http://p", "--retries", "1",
             "--timeout", "5", "--max-expansion", "50", "--max-size", "10", "--nproc", "3", "--strict", "-q",
             "--report", "r.json", "--shard", "1/3", "--shard-from-env", "A,B", "--shard-count", "3"],
            // Other spellings and `=` forms.
            ["--dataset=icdar2015", "--out-dir=/o", "/r", "--tasks", "recog", "--num_sample", "4", "--val_ratio=0.5",
             "--quiet", "--preserve_vertical", "--splits", "x", "--to=paddle", "--nproc=2"],
            ["--dataset=icdar2015", "/r", "--num-sample=3", "--vertical=rotate", "--images=copy"],
            ["--dataset=synthtext", "/r", "--shard=0/2", "--images", "none", "--to", "coco", "--format", "lmdb"],
            // Values ArgumentParser takes as they are: an empty one, spaces, a sign, an exponent.
            ["--dataset=icdar2015", "/r", "-o", "", "--report", "a b.json", "--width", "+5", "--val-ratio", "1e-1"],
        ]
        for args in cases {
            let fast = try XCTUnwrap(DatasetArgv.parse(args), "DatasetArgv declined \(args)")
            XCTAssertEqual(describe(fast), describe(try argumentParser(args)), "\(args)")
        }
    }

    func testDeclinesWhatItCannotReadExactly() {
        let cases: [[String]] = [
            ["/r"],                                                   // no --dataset= first
            ["--dataset=icdar2015"],                                  // no ROOT
            ["--dataset=icdar2015", "/r", "/s"],                      // two positionals
            ["--dataset=icdar2015", "--split-list", "training", "/r"],// ROOT taken by the list
            ["--dataset=icdar2015", "/r", "--nosuch"],
            ["--dataset=icdar2015", "/r", "--nproc", "1", "--nproc", "2"],
            ["--dataset=icdar2015", "/r", "-q", "--quiet"],           // one flag, twice
            ["--dataset=icdar2015", "/r", "--from", "a", "--from", "b"],
            ["--dataset=icdar2015", "/r", "--split-list"],
            ["--dataset=icdar2015", "/r", "--split-list", "--nproc", "1"],
            ["--dataset=icdar2015", "/r", "--split-list=training"],
            ["--dataset=icdar2015", "/r", "-qo", "/o"],
            ["--dataset=icdar2015", "/r", "-o=/o"],
            ["--dataset=icdar2015", "--", "/r"],
            ["--dataset=icdar2015", "/r", "-o", "-x"],
            ["--dataset=icdar2015", "/r", "--split-seed", "-1"],
            ["--dataset=icdar2015", "/r", "--nproc", "two"],
            ["--dataset=icdar2015", "/r", "--nproc", "0"],            // RunOptions.validate
            ["--dataset=icdar2015", "/r", "--jobs", "0"],             // ObtainOptions.validate
            ["--dataset=icdar2015", "/r", "--exif", "sideways"],
            ["--dataset=icdar2015", "/r", "--to", "nosuch"],
            ["--dataset=icdar2015", "/r", "--strict=yes"],
            ["--dataset=icdar2015", "/r", "--nproc"],
            ["--dataset=icdar2015", "/r", "-h"],
        ]
        for args in cases {
            XCTAssertNil(DatasetArgv.parse(args), "\(args)")
        }
    }

    /// Every name ArgumentParser gives `DatasetCommand`'s options (from its own description of
    /// the command) is in the table, and nothing else is.
    func testKnowsEveryOption() throws {
        let dump = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(DatasetCommand._dumpHelp().utf8)) as? [String: Any])
        let command = try XCTUnwrap(dump["command"] as? [String: Any])
        let arguments = try XCTUnwrap(command["arguments"] as? [[String: Any]])
        var names = Set<String>()
        for argument in arguments {
            for name in argument["names"] as? [[String: Any]] ?? [] {
                let value = try XCTUnwrap(name["name"] as? String)
                switch name["kind"] as? String {
                case "long": names.insert("--" + value)
                case "short": names.insert("-" + value)
                default: XCTFail("unexpected name kind \(name)")
                }
            }
        }
        names.subtract(["--dataset", "-h", "--help", "--version"])
        XCTAssertGreaterThan(names.count, 40)
        XCTAssertEqual(names, Set(DatasetArgv.options.keys))
    }
}
