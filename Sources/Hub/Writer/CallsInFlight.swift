internal import Synchronization

/// The gateway's calls that passed the token check and whose answer has not come back
/// from the hub's API yet, per connection.
///
/// A call is entered under the writer's state lock, in the same critical section as its
/// token check, and a block or disconnect waits, after applying its event, until the
/// calls entered before it have been answered. So when a block is acknowledged, the API
/// has received every call that will ever be let through on that token: none arrives
/// after it.
final class CallsInFlight: Sendable {
    private struct Entry {
        var count = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Counts one more call of `connection` under way.
    func enter(_ connection: String) {
        entries.withLock { $0[connection, default: Entry()].count += 1 }
    }

    /// One call of `connection` is over (answered, refused or failed); wakes those waiting
    /// for the connection's calls when it was the last.
    func leave(_ connection: String) {
        let woken: [CheckedContinuation<Void, Never>] = entries.withLock { entries in
            guard var entry = entries[connection] else { return [] }
            entry.count -= 1
            if entry.count > 0 {
                entries[connection] = entry
                return []
            }
            entries[connection] = nil
            return entry.waiters
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once no call of `connection` entered before now is under way.
    ///
    /// Calls entered later (there are none once the connection is blocked, since the token
    /// check refuses them) would only delay the return.
    func drained(_ connection: String) async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let idle = entries.withLock { entries -> Bool in
                guard entries[connection] != nil else { return true }
                entries[connection]!.waiters.append(waiter)
                return false
            }
            if idle { waiter.resume() }
        }
    }
}
