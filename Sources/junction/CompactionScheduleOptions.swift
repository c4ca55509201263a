import ArgumentParser

/// How often a writer compacts on its own: `serve`, and `follow` once promoted.
struct CompactionScheduleOptions: ParsableArguments {
    @Option(help: "Hours between compactions (0: only on request, POST /v1/compact).")
    var compactEveryHours: Int = 24

    func validate() throws {
        guard (0...87_600).contains(compactEveryHours) else { throw ValidationError("--compact-every-hours must be from 0 to 87600") }
    }

    /// nil: only on request.
    var interval: Duration? {
        compactEveryHours > 0 ? .seconds(compactEveryHours * 3600) : nil
    }
}
