namespace MeteringConsole.Domain;

public enum MonitorSource { Contract, UsageAggregate }

/// <summary>A named watch on a contract item or usage aggregate, viewed per client and date.</summary>
public class Monitor : IAudited
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public MonitorSource Source { get; set; }
    /// <summary>The contract item (commit, final_cost, invoice_total, cycle_length, …) when Source is Contract.</summary>
    public string Item { get; set; } = "";
    public int? UnitTypeId { get; set; }
    public UnitType? UnitType { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum AlertType { SpendThresholdReached, UsageThresholdReached, LowRemainingCommitReached, InvoiceTotalReached }

/// <summary>A rule that puts clients in alarm and notifies by email and/or webhook.</summary>
public class Alert : IAudited
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public AlertType Type { get; set; }
    /// <summary>Null: the rule applies to every client.</summary>
    public int? ClientId { get; set; }
    public Client? Client { get; set; }
    public int? UnitTypeId { get; set; }
    public decimal Threshold { get; set; }
    public bool NotifyEmail { get; set; }
    public string? WebhookUrl { get; set; }
    public bool Archived { get; set; }
    public DateTime? ArchivedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Whether one client is in alarm for one alert.</summary>
public class AlertClientState
{
    public int AlertId { get; set; }
    public Alert? Alert { get; set; }
    public int ClientId { get; set; }
    public Client? Client { get; set; }
    public bool InAlarm { get; set; }
    public DateTime? Since { get; set; }
    public decimal? LastValue { get; set; }
    public DateTime LastEvaluatedAt { get; set; }
}

public enum NotificationChannel { Email, Webhook }

/// <summary>Every notification attempt, delivered or not.</summary>
public class AlertNotification
{
    public long Id { get; set; }
    public int AlertId { get; set; }
    public int ClientId { get; set; }
    public NotificationChannel Channel { get; set; }
    public string Target { get; set; } = "";
    public DateTime SentAt { get; set; }
    public bool Success { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
}
