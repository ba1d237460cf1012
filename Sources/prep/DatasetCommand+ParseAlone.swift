import ArgumentParser

/// The short way through ArgumentParser for `prep NAME ROOT …` (every dataset run). Parsing as a
/// subcommand of `Prep` builds the whole command tree (every subcommand's configuration) and
/// tries the completion-script pseudo-commands over the arguments; parsing `DatasetCommand` as
/// a root of its own, marked as a pseudo-command of `prep` (`_superCommandName`), does neither.
/// It only ever takes a parse that succeeds and cannot involve the built-in flags: anything
/// else (help, `--version`, completion requests, any error) goes the full way, which prints
/// exactly what it always did. Before ArgumentParser, `DatasetArgv` tries the arguments nearly
/// every run has, without reflection.
extension DatasetCommand {
    /// Set while `parseAlone` parses: the configuration then names the pseudo-command.
    nonisolated(unsafe) static var parsingAlone = false

    /// The parsed command, or nil when the arguments must take `Prep.parseAsRoot`.
    static func parseAlone(_ args: [String]) -> DatasetCommand? {
        guard invokedName != nil, args.count >= 2, args[1].hasPrefix("--dataset="),
              !args.contains(where: mayReachBuiltIns) else { return nil }
        if let command = DatasetArgv.parse(Array(args.dropFirst())) { return command }
        parsingAlone = true
        defer { parsingAlone = false }
        return (try? parseAsRoot(Array(args.dropFirst()))) as? DatasetCommand
    }

    /// Whether an argument may be (or contain, as a group of short flags) one of ArgumentParser's
    /// built-in flags: help (`-h`, `-help`, `--help`, `--help-hidden`…), `--version`,
    /// `--experimental-dump-help`, `--generate-completion-script`, `---completion`, `help`.
    static func mayReachBuiltIns(_ arg: String) -> Bool {
        if arg.contains("help") || arg.contains("version") || arg.contains("completion") { return true }
        // `-qh` is `-q -h`; a single-dash word is also read as a long name (`-help`).
        return arg.hasPrefix("-") && !arg.hasPrefix("--") && arg.contains("h")
    }
}
