package import NATS

/// Where events lie in the stream. Stream sequences count messages, and a message holds
/// many events (its `Junction-Events` header says which), so an event's message is found
/// by a binary search over the messages' headers: about twenty reads for a million
/// messages, done once each time a follower starts reading.
package enum StreamPosition {
    /// The message from which a reader after event `seq` - 1 reads on, and the last event
    /// the stream holds then.
    package struct Found: Sendable, Hashable {
        /// The stream sequence to read from: the message holding `seq`, or the next
        /// message to come when the stream does not hold `seq` yet.
        package var sequence: UInt64
        package var lastEvent: UInt64
    }

    /// The message holding event `seq`, or the next to come when the stream does not hold
    /// it yet; refused when the stream no longer holds it (its messages aged out, or it was
    /// recreated after that event).
    package static func message(holding seq: UInt64, _ jetStream: JetStream, stream: String) throws -> Found {
        let state = try jetStream.streamState(stream)
        guard state.lastSequence > 0, state.messages > 0 else {
            return Found(sequence: state.lastSequence + 1, lastEvent: 0)
        }
        let lastEvent = try events(at: state.lastSequence, jetStream, stream: stream).upperBound
        if lastEvent < seq { return Found(sequence: state.lastSequence + 1, lastEvent: lastEvent) }
        let firstEvent = try events(at: state.firstSequence, jetStream, stream: stream).lowerBound
        guard firstEvent <= seq else {
            throw ReplicationError(
                "stream \(stream) starts at event \(firstEvent) and this replica needs event \(seq): the events between "
                    + "are no longer in the stream; start this follower from a newer backup of the writer (junction backup)")
        }
        // The first message whose last event is at least `seq`.
        var low = state.firstSequence
        var high = state.lastSequence
        while low < high {
            let middle = low + (high - low) / 2
            if try events(at: middle, jetStream, stream: stream).upperBound >= seq {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return Found(sequence: low, lastEvent: lastEvent)
    }

    /// The last event the stream holds (0 when it holds none).
    package static func lastEvent(_ jetStream: JetStream, stream: String) throws -> UInt64 {
        let state = try jetStream.streamState(stream)
        guard state.lastSequence > 0, state.messages > 0 else { return 0 }
        return try events(at: state.lastSequence, jetStream, stream: stream).upperBound
    }

    private static func events(at sequence: UInt64, _ jetStream: JetStream, stream: String) throws -> ClosedRange<UInt64> {
        guard let message = try jetStream.message(stream: stream, sequence: sequence) else {
            throw ReplicationError("stream \(stream) has no message \(sequence)")
        }
        return try Replicator.events(of: message, stream: stream)
    }
}
