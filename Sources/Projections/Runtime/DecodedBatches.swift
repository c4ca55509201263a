internal import Dispatch
internal import Events
internal import Synchronization

/// Events read and decoded from the journal once, to be applied by several projectors.
struct DecodedBatch: Sendable {
    /// The events other than requests, with their sequence numbers, in order.
    let events: [(UInt64, Event)]
    /// The requests, in order: applied between the events by sequence number.
    let requests: RequestBuffer
    /// The last sequence number read (applied or skipped): the checkpoint after the batch.
    let last: UInt64
}

/// Hands each batch one reading thread decodes to several applying threads, holding at most
/// `depth` batches ahead of the slowest of them.
///
/// A rebuild of several projections reads and decodes the journal once this way, instead of
/// once per projection.
final class DecodedBatches: Sendable {
    private struct State {
        var ready: [[DecodedBatch]]
        var finished = false
        var failure: (any Error)?
        var stopped = false
    }
    private let state: Mutex<State>
    /// One count of batches ready per consumer, and one of free places per consumer.
    private let ready: [DispatchSemaphore]
    private let room: [DispatchSemaphore]

    init(consumers: Int, depth: Int) {
        state = Mutex(State(ready: Array(repeating: [], count: consumers)))
        ready = (0..<consumers).map { _ in DispatchSemaphore(value: 0) }
        room = (0..<consumers).map { _ in DispatchSemaphore(value: depth) }
    }

    /// Runs `body` on the reading thread. `body` gives each batch to its argument, which
    /// waits for room at every consumer and returns false once ``stop()`` was called (then
    /// `body` should return). An error `body` throws reaches every consumer's ``next(_:)``.
    func produce(_ body: (_ send: (DecodedBatch) -> Bool) throws -> Void) {
        do {
            try body { batch in
                for place in room { place.wait() }
                let open = state.withLock { s -> Bool in
                    guard !s.stopped else { return false }
                    for i in s.ready.indices { s.ready[i].append(batch) }
                    return true
                }
                if open { for signal in ready { signal.signal() } }
                return open
            }
            state.withLock { $0.finished = true }
        } catch {
            state.withLock { $0.failure = error; $0.finished = true }
        }
        for signal in ready { signal.signal() }
    }

    /// Consumer `consumer`'s next batch, or nil when the reader is done; throws the
    /// reader's error.
    func next(_ consumer: Int) throws -> DecodedBatch? {
        ready[consumer].wait()
        let (batch, failure) = state.withLock { s -> (DecodedBatch?, (any Error)?) in
            if !s.ready[consumer].isEmpty { return (s.ready[consumer].removeFirst(), nil) }
            return (nil, s.failure)
        }
        if let batch {
            room[consumer].signal()
            return batch
        }
        if let failure { throw failure }
        return nil  // finished: the reader's last signal
    }

    /// Called when a consumer fails: the reader stops at its next batch, and the other
    /// consumers finish with what they were given.
    func stop() {
        state.withLock { $0.stopped = true }
        for place in room { place.signal() }
    }
}
