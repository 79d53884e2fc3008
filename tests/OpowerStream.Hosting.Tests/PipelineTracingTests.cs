using System.Diagnostics;
using System.Text;

namespace OpowerStream.Hosting.Tests;

/// <summary>The W3C <c>traceparent</c> a file's rows carry, with or without a recorded file span.</summary>
public sealed class PipelineTracingTests
{
    [Fact]
    public void A_traceparent_is_the_W3C_form_of_the_context_and_reads_back_as_it()
    {
        var context = new ActivityContext(
            ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"), ActivitySpanId.CreateFromString("00f067aa0ba902b7"), ActivityTraceFlags.Recorded);

        var header = PipelineTracing.TraceParent(context);

        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Encoding.ASCII.GetString(header));
        Assert.True(PipelineTracing.TryParseTraceParent(header, out var read));
        Assert.Equal((context.TraceId, context.SpanId, context.TraceFlags, true), (read.TraceId, read.SpanId, read.TraceFlags, read.IsRemote));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")]
    [InlineData("not a trace context")]
    public void A_malformed_traceparent_is_not_read(string value) =>
        Assert.False(PipelineTracing.TryParseTraceParent(Encoding.ASCII.GetBytes(value), out _));

    [Fact]
    public void Without_a_recorded_span_a_file_still_gets_its_own_unsampled_trace()
    {
        var one = PipelineTracing.FileContext(null);
        var other = PipelineTracing.FileContext(null);

        Assert.NotEqual(default, one.TraceId);
        Assert.NotEqual(one.TraceId, other.TraceId);
        Assert.Equal(ActivityTraceFlags.None, one.TraceFlags);
        Assert.EndsWith("-00", Encoding.ASCII.GetString(PipelineTracing.TraceParent(one)), StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_recorded_span_the_file_context_is_the_spans()
    {
        using var span = new Activity("file").SetIdFormat(ActivityIdFormat.W3C).Start();

        Assert.Equal(span.Context, PipelineTracing.FileContext(span));
    }
}
