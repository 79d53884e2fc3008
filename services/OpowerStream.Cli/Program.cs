Console.WriteLine("opower-stream");
