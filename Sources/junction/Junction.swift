import ArgumentParser

@main
struct Junction: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "junction",
        abstract: "The connection service of a restaurant integration hub: an event journal and its tools.",
        subcommands: [
            InitCommand.self, AppendCommand.self, TailCommand.self, StatCommand.self, ServeCommand.self, FollowCommand.self, PromoteCommand.self, BackupCommand.self, ProjectCommand.self,
            AccountCommand.self, LocationCommand.self, AppCommand.self, CatalogCommand.self, CustomerListCommand.self, UserCommand.self,
            ConnectionsCommand.self, ActivityCommand.self, LogsCommand.self, LogCommand.self,
            ConnectCommand.self, ReconnectCommand.self, BlockCommand.self, UnblockCommand.self, DisconnectCommand.self,
            StatusCommand.self, CallbacksCommand.self, ResendCommand.self, NotifyCommand.self, CompactCommand.self,
            CallbackCommand.self, DeliveriesCommand.self, HubEventCommand.self, HealthCommand.self, AlertsCommand.self, ErrorsCommand.self,
        ]
    )
}
