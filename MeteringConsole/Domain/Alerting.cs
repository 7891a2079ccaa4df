namespace MeteringConsole.Domain;

/// <summary>What an alert watches; the API writes these in snake_case (<c>spend_threshold_reached</c>).</summary>
public enum AlertType
{
    SpendThresholdReached,
    InvoiceTotalReached,
    LowRemainingCommitBalanceReached,
    UsageThresholdReached,
    UsageChangePercent,
    ProjectedOverage,
}

public enum AlertSeverity { Soft, Hard }

/// <summary>The comparison window of <see cref="AlertType.UsageChangePercent"/>.</summary>
public enum AlertWindow { Day, Week }

/// <summary>Which change of <see cref="AlertType.UsageChangePercent"/> counts: a rise, a fall, or either.</summary>
public enum ChangeDirection { Either, Up, Down }

public enum AlertStatus { Ok, InAlarm }

/// <summary>
/// A rule that puts clients in alarm and notifies by email and/or webhook. Its rule never changes
/// after creation: a changed limit is a new alert, the old one archived.
/// </summary>
public class Alert : IAudited
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public AlertType Type { get; set; }
    /// <summary>Null: the rule applies to every client.</summary>
    public int? ClientId { get; set; }
    public Client? Client { get; set; }
    public int? UnitTypeId { get; set; }
    public UnitType? UnitType { get; set; }
    public AlertWindow? Window { get; set; }
    public ChangeDirection? Direction { get; set; }
    /// <summary>Money, units or percent, as the type says.</summary>
    public decimal Threshold { get; set; }
    public AlertSeverity Severity { get; set; }
    public bool NotifyEmail { get; set; }
    public bool NotifyWebhook { get; set; }
    /// <summary>Comma-separated addresses mailed besides the client's own alert emails.</summary>
    public string ExtraRecipients { get; set; } = "";
    public DateTime? ArchivedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// Whether one client is in alarm for one alert, with the value of the last evaluation. Only the
/// evaluator writes it, with conditional updates: the change ok → in_alarm happens once.
/// </summary>
public class AlertClientState
{
    public int AlertId { get; set; }
    public Alert? Alert { get; set; }
    public int ClientId { get; set; }
    public Client? Client { get; set; }
    public AlertStatus Status { get; set; }
    /// <summary>The value that put the state where it is (null: nothing to compare yet).</summary>
    public decimal? Value { get; set; }
    /// <summary>What the last evaluation found.</summary>
    public decimal? CurrentValue { get; set; }
    /// <summary>When it went in alarm (kept after it returns to ok, until the next alarm).</summary>
    public DateTime? TriggeredAt { get; set; }
    /// <summary>The billing period the value belongs to, for period-based types.</summary>
    public DateTime? PeriodStart { get; set; }
    /// <summary>When the status last changed.</summary>
    public DateTime ChangedAt { get; set; }
    public DateTime EvaluatedAt { get; set; }
}

public enum NotificationChannel { Email, Webhook }

/// <summary>One crossing ok → in_alarm: what every channel tells, with the id webhooks carry on every retry.</summary>
public class AlertNotification
{
    public long Id { get; set; }
    public int AlertId { get; set; }
    public int ClientId { get; set; }
    /// <summary><c>msg_…</c>: the payload's id and the <c>webhook-id</c> header.</summary>
    public string MessageId { get; set; } = "";
    public decimal Value { get; set; }
    public decimal Threshold { get; set; }
    public DateTime? PeriodStart { get; set; }
    public DateTime TriggeredAt { get; set; }
}

/// <summary>Every delivery attempt of a notification, delivered or not.</summary>
public class AlertDeliveryAttempt
{
    public long Id { get; set; }
    public long NotificationId { get; set; }
    public NotificationChannel Channel { get; set; }
    public int? WebhookEndpointId { get; set; }
    /// <summary>The addresses mailed, or the endpoint's URL.</summary>
    public string Target { get; set; } = "";
    public int Attempt { get; set; }
    public DateTime AttemptedAt { get; set; }
    public bool Success { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    /// <summary>When the next attempt is due, if one is scheduled.</summary>
    public DateTime? NextAttemptAt { get; set; }
}

/// <summary>A URL that receives every alert notification, signed with its own secret (Standard Webhooks).</summary>
public class WebhookEndpoint : IAudited
{
    public int Id { get; set; }
    public string Url { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary><c>whsec_</c> + base64; shown once at creation, kept to sign (never audited).</summary>
    public string Secret { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public string? DisabledReason { get; set; }
    public DateTime CreatedAt { get; set; }
}
