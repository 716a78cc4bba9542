using System.Text;
using CertTrustBot.Cli;

// Console.Out flushes on every write; a report of thousands of certificates needs one buffered writer, flushed once.
var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
using var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8, bufferSize: 64 * 1024) { AutoFlush = false };
using var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };

var output = new OutputStyle(Colour: OutputStyle.ColourWanted(Console.IsOutputRedirected, Environment.GetEnvironmentVariable));
var exitCode = CertTrustCli.Run(args, stdout, stderr, TimeProvider.System, output);
stdout.Flush();
return exitCode;
