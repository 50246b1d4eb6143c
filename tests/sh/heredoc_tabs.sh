	cat <<-END
	indented
		more
	END
echo after
