using OpowerStream.Domain;
using OpowerStream.Storage;
using OpowerStream.Testing;
using Xunit.Abstractions;
using static OpowerStream.IntegrationTests.TestFiles;

namespace OpowerStream.IntegrationTests;

/// <summary>Bill service quantities end to end: composite key with empty parts, corrections, every rule.</summary>
[Collection(PipelineCollection.Name)]
public sealed class ServiceQuantityPipelineTests(KafkaFixture kafka, PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Header = "bill_id\tbill_segment_id\tbill_service_quantity_unit_of_measure\tbill_service_quantity_time_of_use\tservice_quantity_identifier\tstart_read_datetime\tend_read_datetime\tbilled_service_quantity\tbill_service_quantity_updated_at";

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Every_service_quantity_rule_rejects_its_row_and_later_rows_for_a_key_win(StoreKind store)
    {
        await using var scenario = await PipelineScenario.CreateAsync(kafka, postgres, store, output, "sq-rules");
        var file = new LinesFile(Header);
        file.Line(Row("B1", "SEG-1", "KWH", "ON_PEAK", "CONSUMED", billed: "10"));                  // 2 replaced by line 14
        file.Line(Row("", "SEG-3", "KWH", "", "CONSUMED"));                                        // 3 missing_required bill_id
        file.Line(Row("B1", new string('S', 41), "KWH", "", "CONSUMED"));                          // 4 too_long bill_segment_id
        file.Line(Row("B1", "SEG-5", new string('U', 31), "", "CONSUMED"));                        // 5 too_long unit of measure
        file.Line(Row("B1", "SEG-6", "KWH", "", "CONSUMED", start: "2026-02-30 00:00:00"));        // 6 invalid_datetime start
        file.Line(Row("B1", "SEG-7", "KWH", "", "CONSUMED", end: "2025-12-01 00:00:00"));          // 7 invalid_range end before start
        file.Line(Row("B1", "SEG-8", "KWH", "", "CONSUMED", end: "2026-01-01 00:00:00"));          // 8 invalid_range end equals start
        file.Line(Row("B1", "SEG-9", "KWH", "", "CONSUMED", billed: "1,000.5"));                   // 9 invalid_decimal
        file.Line(Row("B1", "SEG-10", "KWH", "", "CONSUMED", billed: ""));                         // 10 missing_required billed
        file.Line(Row("B1", "SEG-11", "KWH", "", "CONSUMED", updated: "soon"));                    // 11 invalid_datetime updated_at
        file.Line("B1\tSEG-12\tKWH");                                                               // 12 wrong_column_count
        file.Line(Row("B2", "SEG-2", "", "", "", billed: "-3.5"));                                  // 13 applied: empty key parts
        file.Line(Row("B1", "SEG-1", "KWH", "ON_PEAK", "CONSUMED", billed: "11.000001"));           // 14 applied: corrects line 2
        file.Line(Row("B1", "SEG-1", "KWH", "OFF_PEAK", "CONSUMED", billed: "4"));                  // 15 applied: another time of use
        var name = ServiceQuantityFileName(20260201000000);
        scenario.DropBytes(name, file.ToArray());

        var result = await scenario.RunOnceAsync(Entity.ServiceQuantity);

        var reconciliation = Assert.Single(result.Files);
        Assert.Equal((14L, 4L, 10L), (reconciliation.RowsRead, reconciliation.RowsApplied, reconciliation.RowsRejected));
        Assert.Equal(
            [
                "SEG-1,KWH,OFF_PEAK,CONSUMED,B1,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,4.000000,2026-02-01T06:00:00Z",
                "SEG-1,KWH,ON_PEAK,CONSUMED,B1,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,11.000001,2026-02-01T06:00:00Z",
                "SEG-2,,,,B2,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,-3.500000,2026-02-01T06:00:00Z",
            ],
            Lines(await scenario.ServiceQuantitiesAsync()));
        Assert.Equal(
            [
                $"service-quantities,{name},3,missing_required,bill_id",
                $"service-quantities,{name},4,too_long,bill_segment_id",
                $"service-quantities,{name},5,too_long,bill_service_quantity_unit_of_measure",
                $"service-quantities,{name},6,invalid_datetime,start_read_datetime",
                $"service-quantities,{name},7,invalid_range,end_read_datetime",
                $"service-quantities,{name},8,invalid_range,end_read_datetime",
                $"service-quantities,{name},9,invalid_decimal,billed_service_quantity",
                $"service-quantities,{name},10,missing_required,billed_service_quantity",
                $"service-quantities,{name},11,invalid_datetime,bill_service_quantity_updated_at",
                $"service-quantities,{name},12,wrong_column_count,",
            ],
            Lines(await scenario.RejectsAsync(), 5));
    }

    private static string Row(string bill, string segment, string unit, string timeOfUse, string identifier,
        string start = "2026-01-01 00:00:00", string end = "2026-02-01 00:00:00", string billed = "1", string updated = "2026-02-01T06:00:00Z") =>
        string.Join('\t', bill, segment, unit, timeOfUse, identifier, start, end, billed, updated);
}
