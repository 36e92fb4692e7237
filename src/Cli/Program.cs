using CoordinatorCli.Hosting;

return await CliApplication.RunAsync(args, CliEnvironment.ForProcess());
