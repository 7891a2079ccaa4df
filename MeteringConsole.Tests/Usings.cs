global using Xunit;
global using MeteringConsole.Tests.Infrastructure;
global using Bunit;
