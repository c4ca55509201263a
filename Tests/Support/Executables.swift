public import Foundation

/// The project's executables, built beside the test bundle by `swift test`.
public enum Executables {
    /// The build products directory: where the running test bundle is.
    public static let directory: String = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().path
    }()

    public static func path(_ name: String) -> String { directory + "/" + name }
    public static var junction: String { path("junction") }
    public static var loadgen: String { path("junction-loadgen") }
    public static var chaos: String { path("junction-chaos") }
}

/// What a finished process printed and how it ended.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: [UInt8]
    public let stderr: String

    public var output: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs a program to completion, feeding it `input` on standard input, in `directory`
/// (default: the test's own working directory).
@discardableResult
public func run(
    _ executable: String, _ arguments: [String], input: [UInt8] = [], in directory: String? = nil
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Feed and drain on other threads so large inputs and outputs cannot deadlock.
    let writer = Thread {
        stdin.fileHandleForWriting.write(Data(input))
        try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let errors = OutputCollector(stderr.fileHandleForReading)
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: [UInt8](out), stderr: errors.text())
}

/// Reads a pipe to its end on a background thread.
public final class OutputCollector: @unchecked Sendable {
    // @unchecked: `data` is written once by the reading thread before `done` is signalled.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    public init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    /// Waits for the end of the stream.
    public func bytes() -> [UInt8] {
        done.wait()
        done.signal()
        return [UInt8](data)
    }

    public func text() -> String { String(decoding: bytes(), as: UTF8.self) }
}
