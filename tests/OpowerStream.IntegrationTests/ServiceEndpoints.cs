using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OpowerStream.IntegrationTests;

/// <summary>A test's view of a service's <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>, as a monitoring system scrapes them.</summary>
internal static class ServiceEndpoints
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>A loopback port nobody listens on right now, for a child process's <c>--health-port</c>.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static Uri Local(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    public static async Task<(HttpStatusCode Status, string Body, string? ContentType)> GetAsync(Uri service, string path)
    {
        using var response = await Http.GetAsync(new Uri(service, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200 and its body satisfies <paramref name="body"/>; returns the body.</summary>
    public static async Task<string> WaitUntilReadyAsync(Uri service, TimeSpan timeout, Func<string, bool>? body = null, OpowerStreamProcess? process = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "(no answer yet)";
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process is not null && process.HasExited, $"The service exited before it was ready:\n{process?.Stdout}\n{process?.Stderr}");
            try
            {
                var (status, text, _) = await GetAsync(service, "/readyz");
                last = $"{(int)status}: {text}";
                if (status == HttpStatusCode.OK && (body is null || body(text)))
                {
                    return text;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{service} not ready within {timeout}; last answer {last}\n{process?.Stdout}\n{process?.Stderr}");
    }
}
