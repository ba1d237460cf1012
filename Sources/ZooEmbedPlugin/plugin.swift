import Foundation
import PackagePlugin

/// Runs zoo-embed over the package's dataset-zoo/ so that the recipes travel inside the binary.
@main
struct ZooEmbedPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let zoo = context.package.directoryURL.appendingPathComponent("dataset-zoo")
        var inputs: [URL] = []
        if let e = FileManager.default.enumerator(at: zoo, includingPropertiesForKeys: nil) {
            for case let url as URL in e where !url.hasDirectoryPath { inputs.append(url) }
        }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedZoo.swift")
        return [.buildCommand(displayName: "Embedding dataset-zoo",
                              executable: try context.tool(named: "zoo-embed").url,
                              arguments: [zoo.path, output.path],
                              inputFiles: inputs + [zoo],
                              outputFiles: [output])]
    }
}
