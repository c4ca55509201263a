/// A first-come, first-served lock for async code: commands hold it from validation to
/// the durable append and the state update, so no two commands validate against the same
/// state.
public actor AsyncLock {
    public init() {}

    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public func lock() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func unlock() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` holding the lock.
    public nonisolated func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await lock()
        do {
            let result = try await body()
            await unlock()
            return result
        } catch {
            await unlock()
            throw error
        }
    }
}
