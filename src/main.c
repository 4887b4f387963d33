/*
 * main.c - drtop's entry point: everything happens in the command table.
 */
#include "config.h"

#include <locale.h>

#include "cmd/cmd.h"

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	return cmd_main(argc - 1, argv + 1);
}
