using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpowerStream.Cli.Commands;
using OpowerStream.Consumers;
using OpowerStream.Domain;
using OpowerStream.Extractor;
using OpowerStream.Hosting;
using OpowerStream.Storage;

namespace OpowerStream.Cli;

/// <summary>What one <c>run --once</c> did: every file's outcome and its reconciliation in the store.</summary>
public sealed record RunOnceResult(IReadOnlyList<FileOutcome> Outcomes, IReadOnlyList<FileReconciliation> Files)
{
    public bool Succeeded => Outcomes.All(o => o.Kind != FileOutcomeKind.Failed) && Files.All(f => f.Reconciles);
}

/// <summary>The service hosts the commands run: the whole pipeline in one host (<c>run</c>), the extractor (<c>extract</c>), or one entity's consumer (<c>consume</c>).</summary>
public static class PipelineHost
{
    public static HostApplicationBuilder AddPipeline(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddPublishGate<InProcessLagGate>(builder);
        builder.Services.AddExtractor(builder.Configuration);
        foreach (var entity in Enum.GetValues<Entity>())
        {
            builder.Services.AddEntityConsumer(builder.Configuration, entity);
        }

        builder.Services.AddHealthAndMetrics(builder.Configuration);
        return builder;
    }

    /// <summary>The extractor as a service of its own (<c>extract</c>), with its health and metrics endpoint.</summary>
    public static HostApplicationBuilder AddExtractorService(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddPublishGate<ConsumerLagGate>(builder);
        builder.Services.AddExtractor(builder.Configuration);
        builder.Services.AddHealthAndMetrics(builder.Configuration);
        return builder;
    }

    /// <summary>One entity's consumer as a service of its own (<c>consume ENTITY</c>), with its health and metrics endpoint.</summary>
    public static HostApplicationBuilder AddConsumerService(this HostApplicationBuilder builder, Entity entity)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddEntityConsumer(builder.Configuration, entity);
        builder.Services.AddHealthAndMetrics(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Starts the host (built with <c>Extractor:Once</c>), waits until the extractor handled every
    /// file present and the consumers accounted for every row of them, then stops the host.
    /// </summary>
    public static async Task<RunOnceResult> RunOnceAsync(IHost host, TimeSpan idleTimeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        await host.StartAsync(ct).ConfigureAwait(false);
        try
        {
            var outcomes = await host.Services.GetRequiredService<ExtractionRun>().Completed.WaitAsync(ct).ConfigureAwait(false);
            var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var store = host.Services.GetRequiredService<StoreHost>().Store;
            var files = await new ReconciliationWaiter(store, idleTimeout).WaitAsync(outcomes, stopping, ct).ConfigureAwait(false);
            return new RunOnceResult(outcomes, files);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Backpressure from the consumers' lag when <c>Extractor:MaxConsumerLag</c> is set: needed wherever
    /// the broker keeps little (the embedded one, or a dev-broker serving separately started services).
    /// <see cref="InProcessLagGate"/> where the consumers share the process, <see cref="ConsumerLagGate"/> where they do not.
    /// </summary>
    private static void AddPublishGate<TGate>(HostApplicationBuilder builder)
        where TGate : class, IPublishGate
    {
        if (int.TryParse(builder.Configuration["Extractor:MaxConsumerLag"], out var maxLag) && maxLag > 0)
        {
            builder.Services.AddSingleton<IPublishGate, TGate>();
        }
    }
}
