using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>A webhook request as it arrived, and whether its Standard Webhooks signature verified.</summary>
public sealed record ReceivedWebhook(string Id, long Timestamp, string Signature, string Body, bool SignatureValid, int AnsweredWith);

/// <summary>
/// An HTTP listener on 127.0.0.1 that verifies every request's Standard Webhooks signature with
/// the endpoint's secret (set once the endpoint is registered) and answers with the next status
/// from <see cref="Answers"/> (then 200).
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public string Url { get; }
    public string? Secret { get; set; }
    public ConcurrentQueue<int> Answers { get; } = new();
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public WebhookReceiver()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hooks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public async Task<List<ReceivedWebhook>> WaitForAsync(int count, TimeSpan timeout)
    {
        await Eventually.WaitUntilAsync(() => Received.Count >= count, timeout);
        Assert.True(Received.Count >= count, $"Expected {count} webhook request(s) within {timeout.TotalSeconds} s, got {Received.Count}.");
        return Received.ToList();
    }

    /// <summary>The receiving side of Standard Webhooks, written out as a receiver would.</summary>
    public static bool Verify(string secret, string id, long timestamp, string body, string signatureHeader)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return signatureHeader.Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var id = context.Request.Headers["webhook-id"] ?? "";
            var timestamp = long.TryParse(context.Request.Headers["webhook-timestamp"], out var t) ? t : 0;
            var signature = context.Request.Headers["webhook-signature"] ?? "";
            var status = Answers.TryDequeue(out var next) ? next : 200;
            Received.Enqueue(new ReceivedWebhook(id, timestamp, signature, body, Secret is not null && Verify(Secret, id, timestamp, body, signature), status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }
}
