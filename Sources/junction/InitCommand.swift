import ArgumentParser
import Journal

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a data directory with an empty journal.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let data = global.dataDirectory
        let logger = global.makeLogger("junction.init")
        do {
            let journal = try data.initialize(logger: logger)
            journal.close()
            print("initialized \(data.root) (journal \(journal.id))")
        } catch let error as JournalError {
            throw CommandFailure(error.description)
        }
    }
}
