using DomainScreen.Core;
using DomainScreen.Core.Screening;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddDomainScreening(builder.Configuration);
var host = builder.Build();
// The worker screens: cap its heap as domainscreen serve does (Screening:HeapLimitMiB; a lower container limit stays).
host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DomainScreen.Memory")
    .LogInformation("Memory: {HeapLimit}", HeapLimit.Apply(host.Services.GetRequiredService<IConfiguration>()));
host.Run();
