import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline
import PrepNN

/// Entry point logic: dataset names dispatch to the dataset command; exit codes are 0 success,
/// 1 failure, 2 usage error.
enum CLI {
    static func main(_ args: [String]) -> Int32 {
        var args = args
        // `prep help icdar2015` is `prep icdar2015 --help`.
        if args.count >= 2, args[0] == "help", (try? Zoo.recipe(named: args[1])) != nil {
            args = [args[1], "--help"]
        }
        // `prep icdar2015 ROOT …`: the dataset name comes first, as in every zoo command.
        if let first = args.first, !first.hasPrefix("-"), !Prep.subcommandNames.contains(first),
           (try? Zoo.recipe(named: first)) != nil {
            DatasetCommand.invokedName = first
            // One token: a second bare name would match the subcommand again, and ArgumentParser
            // then rebuilds the command's whole argument set each time (~8 M instructions).
            args = [first, "--dataset=\(first)"] + args.dropFirst()
        }
        // The root help lists every dataset (all recipes parsed); other runs skip that.
        Prep.listsDatasets = args.isEmpty || args.contains { $0 == "help" || $0 == "-h" || $0 == "--help" }
        do {
            var command = try DatasetCommand.parseAlone(args) ?? Prep.parseAsRoot(args)
            try command.run()
            return 0
        } catch let error as PrepError {
            printError(error.description)
            if case .usage = error { return 2 }
            return 1
        } catch let error as RecipeError {
            printError(error.description)
            return 1
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            let code = Prep.exitCode(for: error)
            let message = Prep.fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            if !message.isEmpty { printError(message) }
            return code == .failure ? 1 : 2
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write("prep: error: \(message)\n".data(using: .utf8)!)
    }

    /// A `--separator` value: `tab` (or a typed `\t`) and `space` by name, anything else as given;
    /// nil is a space.
    static func separator(_ value: String?) -> String {
        switch value {
        case nil, "space": return " "
        case "tab", "\\t": return "\t"
        default: return value!
        }
    }
}
