using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using OpowerStream.Contracts;
using OpowerStream.Domain;
using OpowerStream.Hosting;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>
/// Spans and trace context through the real broker: a span per file, a span per consumer batch linked to
/// the files it applies, the file's <c>traceparent</c> on every row event, and OTLP export over real HTTP.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class TracingTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Each_file_has_a_span_and_each_batch_a_span_linked_to_the_file_spans_it_applies()
    {
        // The SDK's listener is process-wide: spans of tests running alongside are told apart by file name and link.
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(PipelineTracing.SourceName).AddInMemoryExporter(spans).Build();
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "trace-links");
        string[] files = [AccountFileName(20310101000000), AccountFileName(20310102000000)];
        scenario.Drop(files[0], Accounts(("T-1", "A", "2031-01-01"), ("T-2", "B", "2031-01-01")));
        scenario.Drop(files[1], Accounts(("T-3", "C", "2031-01-02"), ("T-4", "D", "2031-01-02")));

        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);

        var finished = Finished(spans);
        var fileSpans = finished.Where(s => s.DisplayName == PipelineTracing.FileSpan && files.Contains(s.GetTagItem("opowerstream.file")))
            .ToDictionary(s => (string)s.GetTagItem("opowerstream.file")!);
        Assert.Equal(files.Order(), fileSpans.Keys.Order());
        Assert.All(fileSpans.Values, span =>
        {
            Assert.Equal(ActivityKind.Producer, span.Kind);
            Assert.Equal(("rates", 2L, "published"), (span.GetTagItem("opowerstream.entity"), span.GetTagItem("opowerstream.rows"), span.GetTagItem("opowerstream.outcome")));
            Assert.True(span.Recorded);
        });
        // Trace and span ids: a link read from a header is a remote context, the span's own is not.
        var fileContexts = fileSpans.Values.Select(s => (s.TraceId, s.SpanId)).ToHashSet();

        var batchSpans = finished.Where(s => s.DisplayName == PipelineTracing.BatchSpan && s.Links.Any(l => fileContexts.Contains(Ids(l)))).ToList();
        Assert.NotEmpty(batchSpans);
        Assert.All(batchSpans, span =>
        {
            Assert.Equal(ActivityKind.Consumer, span.Kind);
            Assert.Equal("rates", span.GetTagItem("opowerstream.entity"));
            Assert.Equal(default, span.ParentSpanId);
            // One link per distinct file trace, and only to this scenario's files.
            Assert.Equal(span.Links.Count(), span.Links.Select(l => l.Context.TraceId).Distinct().Count());
            Assert.All(span.Links, link => Assert.Contains(Ids(link), fileContexts));
        });
        Assert.Equal(fileContexts, batchSpans.SelectMany(s => s.Links).Select(Ids).ToHashSet());
        Assert.Equal(4, batchSpans.Sum(s => (int)s.GetTagItem("opowerstream.rows.applied")!));

        // Every row event carries its file span's context.
        var rows = TopicReader.Read(kafka.BootstrapServers, scenario.Topics.Rows(Entity.Rate), 3, 4, TimeSpan.FromSeconds(20));
        Assert.Equal(4, rows.Count);
        Assert.All(rows, row =>
        {
            var file = Encoding.UTF8.GetString(row.Message.Headers.GetLastBytes(EventHeaders.File));
            Assert.True(PipelineTracing.TryParseTraceParent(row.Message.Headers.GetLastBytes(EventHeaders.TraceParent), out var context));
            Assert.Equal((fileSpans[file].TraceId, fileSpans[file].SpanId, ActivityTraceFlags.Recorded), (context.TraceId, context.SpanId, context.TraceFlags));
        });
    }

    [Fact]
    public async Task Row_events_carry_a_valid_traceparent_per_file_unless_it_is_turned_off()
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "traceparent");
        string[] files = [AccountFileName(20310201000000), AccountFileName(20310202000000)];
        scenario.Drop(files[0], Accounts(("P-1", "A", "2031-02-01"), ("P-2", "B", "2031-02-01")));
        scenario.Drop(files[1], Accounts(("P-3", "C", "2031-02-02"), ("P-4", "D", "2031-02-02")));
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);

        var rows = TopicReader.Read(kafka.BootstrapServers, scenario.Topics.Rows(Entity.Rate), 3, 4, TimeSpan.FromSeconds(20));
        var traces = rows.Select(row =>
        {
            var value = Encoding.ASCII.GetString(row.Message.Headers.GetLastBytes(EventHeaders.TraceParent));
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", value);
            Assert.True(PipelineTracing.TryParseTraceParent(Encoding.ASCII.GetBytes(value), out var context));
            return (File: Encoding.UTF8.GetString(row.Message.Headers.GetLastBytes(EventHeaders.File)), context.TraceId);
        }).Distinct().ToList();
        // Whether or not anything records spans, a file's rows share one trace and files do not.
        Assert.Equal(files.Order(), traces.Select(t => t.File).Order());
        Assert.NotEqual(traces[0].TraceId, traces[1].TraceId);

        scenario.Settings["Extractor:TraceParentHeader"] = "false";
        var third = AccountFileName(20310203000000);
        scenario.Drop(third, Accounts(("P-5", "E", "2031-02-03")));
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);
        var withoutTrace = TopicReader.Read(kafka.BootstrapServers, scenario.Topics.Rows(Entity.Rate), 3, 5, TimeSpan.FromSeconds(20))
            .Single(r => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(EventHeaders.File)) == third);
        Assert.False(withoutTrace.Message.Headers.TryGetLastBytes(EventHeaders.TraceParent, out _));
        Assert.Equal("2", Encoding.ASCII.GetString(withoutTrace.Message.Headers.GetLastBytes(EventHeaders.Line)));
    }

    [Fact]
    public async Task Spans_go_to_the_OTLP_endpoint_the_OTEL_settings_name_over_http()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, StoreKind.Sqlite, output, "otlp");
        scenario.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.ToString();
        scenario.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        scenario.Settings["OTEL_SERVICE_NAME"] = "opowerstream-otlp-test";
        var file = AccountFileName(20310301000000);
        scenario.Drop(file, Accounts(("O-1", "A", "2031-03-01")));

        // Stopping the host shuts the tracer provider down, which flushes its batch to the collector.
        Assert.True((await scenario.RunOnceAsync(Entity.Rate)).Succeeded);

        var requests = collector.Requests.ToList();
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.Equal(("/v1/traces", "application/x-protobuf"), (r.Path, r.ContentType)));
        Assert.All(requests, r => Assert.NotEmpty(r.Body));
        // Protobuf keeps strings verbatim: the service name, the span name and the file name are in the payload.
        var payload = Encoding.UTF8.GetString(requests.SelectMany(r => r.Body).ToArray());
        Assert.Contains("opowerstream-otlp-test", payload, StringComparison.Ordinal);
        Assert.Contains(PipelineTracing.FileSpan, payload, StringComparison.Ordinal);
        Assert.Contains(file, payload, StringComparison.Ordinal);
    }

    private static (ActivityTraceId, ActivitySpanId) Ids(ActivityLink link) => (link.Context.TraceId, link.Context.SpanId);

    private static List<Activity> Finished(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    /// <summary>A stand-in OTLP/HTTP collector: Kestrel on a loopback port, answering 200 to every POST /v1/traces and keeping its body.</summary>
    private sealed class OtlpCollector(WebApplication app, Uri endpoint) : IAsyncDisposable
    {
        public Uri Endpoint { get; } = endpoint;

        public ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> Requests { get; } = new();

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
            var app = builder.Build();
            OtlpCollector? collector = null;
            app.Run(async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector!.Requests.Enqueue((context.Request.Path.Value!, context.Request.ContentType, body.ToArray()));
                context.Response.StatusCode = HttpMethods.IsPost(context.Request.Method) ? StatusCodes.Status200OK : StatusCodes.Status405MethodNotAllowed;
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            collector = new OtlpCollector(app, new Uri(address));
            return collector;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
