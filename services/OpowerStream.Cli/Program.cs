using OpowerStream.Cli;

return await OpowerStreamCommand.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
